import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError, ErrorCode } from '@aloe/shared/errors';

/** One file of a model, as the identity lists it. */
export interface ModelFilePart {
  path: string;
  fileName: string;
  sizeBytes: number;
  sha256: string;
}

const SPLIT_NAME = /-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * The files of a model in order: the file alone, or every part of a split GGUF (llama.cpp's naming,
 * `<prefix>-00001-of-00003.gguf`; the GGUF's `split.count` says it is split). Every part must exist.
 */
export async function modelFilePaths(path: string, splitCount: number | undefined): Promise<string[]> {
  const match = SPLIT_NAME.exec(path);
  const count = splitCount ?? (match ? Number(match[2]) : 1);
  if (count <= 1) return [path];
  if (!match || Number(match[1]) !== 1)
    throw new AppError(
      ErrorCode.Config,
      `ALOE_MODEL: ${basename(path)} is part of a ${count}-part GGUF; point at its first part (…-00001-of-${String(count).padStart(5, '0')}.gguf)`,
    );
  const prefix = path.slice(0, match.index);
  const pad = (n: number) => String(n).padStart(5, '0');
  const paths = Array.from({ length: count }, (_, i) => `${prefix}-${pad(i + 1)}-of-${pad(count)}.gguf`);
  for (const part of paths) {
    try {
      await access(part);
    } catch (error) {
      throw new AppError(ErrorCode.Config, `ALOE_MODEL: the split GGUF's part ${basename(part)} is missing`, {
        cause: error,
      });
    }
  }
  return paths;
}

/** The cache beside a file: `<file>.sha256.json`, valid while the file's size and mtime are the ones recorded. */
export const digestCachePath = (path: string) => `${path}.sha256.json`;

interface DigestCache {
  sizeBytes: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * A file's SHA-256, streamed once and cached beside the file keyed by size and modification time, so
 * a restart does not read a 40 GB model again. A directory we may not write to only loses the cache.
 */
export async function fileDigest(
  path: string,
  onEvent: (
    event: 'cache-hit' | 'hashed' | 'cache-unwritable',
    detail: { path: string; ms: number },
  ) => void = () => {},
): Promise<ModelFilePart> {
  const startedAt = performance.now();
  const { size, mtimeMs } = await stat(path);
  const part = (sha256: string): ModelFilePart => ({
    path,
    fileName: basename(path),
    sizeBytes: size,
    sha256,
  });
  try {
    const cached = JSON.parse(await readFile(digestCachePath(path), 'utf8')) as Partial<DigestCache>;
    if (
      cached.sizeBytes === size &&
      cached.mtimeMs === mtimeMs &&
      /^[0-9a-f]{64}$/.test(cached.sha256 ?? '')
    ) {
      onEvent('cache-hit', { path, ms: performance.now() - startedAt });
      return part(cached.sha256!);
    }
  } catch {
    // No cache, or an unreadable one: hash the file.
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  onEvent('hashed', { path, ms: performance.now() - startedAt });
  const record: DigestCache = { sizeBytes: size, mtimeMs, sha256 };
  try {
    await writeFile(digestCachePath(path), `${JSON.stringify(record)}\n`);
  } catch {
    onEvent('cache-unwritable', { path, ms: 0 });
  }
  return part(sha256);
}

/**
 * The model digest: a single file's SHA-256; for a split GGUF, the SHA-256 of the parts' hex digests,
 * one per line in part order, i.e. `sha256sum part… | cut -d' ' -f1 | sha256sum`. Pure.
 */
export function modelDigest(parts: ReadonlyArray<Pick<ModelFilePart, 'sha256'>>): string {
  if (parts.length === 1) return parts[0]!.sha256;
  return createHash('sha256')
    .update(parts.map((part) => `${part.sha256}\n`).join(''))
    .digest('hex');
}
