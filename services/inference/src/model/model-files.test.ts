import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { digestCachePath, fileDigest, modelDigest, modelFilePaths } from './model-files.js';
import { buildModelIdentity } from './model-identity.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aloe-model-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('fileDigest', () => {
  it('hashes once, then answers from the cache beside the file while size and mtime hold', async () => {
    const path = join(dir, 'model.gguf');
    const mtime = new Date('2026-01-02T03:04:05Z');
    await writeFile(path, 'AAAA');
    await utimes(path, mtime, mtime);
    const events: string[] = [];
    const first = await fileDigest(path, (event) => events.push(event));
    expect(first).toMatchObject({ fileName: 'model.gguf', sizeBytes: 4, sha256: sha256('AAAA') });
    expect(JSON.parse(await readFile(digestCachePath(path), 'utf8'))).toMatchObject({
      sizeBytes: 4,
      sha256: sha256('AAAA'),
    });

    // Same size, same mtime: the cache answers; the file is not read (its new bytes are not seen).
    await writeFile(path, 'BBBB');
    await utimes(path, mtime, mtime);
    expect((await fileDigest(path, (event) => events.push(event))).sha256).toBe(sha256('AAAA'));

    // Another size (or mtime): hashed again.
    await writeFile(path, 'CCCCC');
    expect((await fileDigest(path, (event) => events.push(event))).sha256).toBe(sha256('CCCCC'));
    expect(events).toEqual(['hashed', 'cache-hit', 'hashed']);
  });
});

describe('modelDigest', () => {
  it('is a single file’s SHA-256, and for a split GGUF the SHA-256 of the parts’ digests, one per line', () => {
    const parts = ['a', 'b', 'c'].map((data) => ({ sha256: sha256(data) }));
    expect(modelDigest(parts.slice(0, 1))).toBe(sha256('a'));
    // `sha256sum part1 part2 part3 | cut -d' ' -f1 | sha256sum`
    expect(modelDigest(parts)).toBe(sha256(`${sha256('a')}\n${sha256('b')}\n${sha256('c')}\n`));
    expect(modelDigest([parts[1]!, parts[0]!, parts[2]!])).not.toBe(modelDigest(parts));
  });
});

describe('modelFilePaths', () => {
  it('lists every part of a split GGUF from its first, in order', async () => {
    const names = [1, 2, 3].map((i) => join(dir, `big-0000${i}-of-00003.gguf`));
    for (const name of names) await writeFile(name, 'x');
    expect(await modelFilePaths(names[0]!, 3)).toEqual(names);
    expect(await modelFilePaths(join(dir, 'model.gguf'), undefined)).toEqual([join(dir, 'model.gguf')]);
  });

  it('refuses a part other than the first, and a missing part', async () => {
    await expect(modelFilePaths(join(dir, 'big-00002-of-00003.gguf'), 3)).rejects.toThrow(/first part/);
    await rm(join(dir, 'big-00003-of-00003.gguf'));
    await expect(modelFilePaths(join(dir, 'big-00001-of-00003.gguf'), 3)).rejects.toThrow(
      /big-00003-of-00003\.gguf is missing/,
    );
  });
});

describe('buildModelIdentity', () => {
  const parts = [
    {
      path: '/m/x-00001-of-00002.gguf',
      fileName: 'x-00001-of-00002.gguf',
      sizeBytes: 10,
      sha256: sha256('1'),
    },
    {
      path: '/m/x-00002-of-00002.gguf',
      fileName: 'x-00002-of-00002.gguf',
      sizeBytes: 20,
      sha256: sha256('2'),
    },
  ];
  const facts = {
    path: '/m/x-00001-of-00002.gguf',
    source: '/m/x-00001-of-00002.gguf',
    parts,
    metadata: { general: { name: 'Qwen2.5 Aloe Beta 72B', architecture: 'qwen2', file_type: 15 } },
    templateId: 'qwen2.5-instruct@sha256:0123456789ab',
    contextLength: 131_072,
    seedModel: 'Qwen2.5-Aloe-Beta-72B',
  };

  it('names the model, its quantisation, template id and the digest over every part', () => {
    const identity = buildModelIdentity(facts);
    expect(identity).toMatchObject({
      name: 'Qwen2.5 Aloe Beta 72B',
      quantization: 'Q4_K_M',
      chatTemplate: 'qwen2.5-instruct@sha256:0123456789ab',
      fileSha256: modelDigest(parts),
      seedModel: 'Qwen2.5-Aloe-Beta-72B',
      parts: parts.map(({ fileName, sizeBytes, sha256: digest }) => ({
        fileName,
        sizeBytes,
        sha256: digest,
      })),
    });
    expect(identity.id).toBe(`qwen2.5-aloe-beta-72b@sha256:${modelDigest(parts).slice(0, 12)}`);
  });

  it('prefers a configured label, then general.name, then the file name without its part suffix', () => {
    expect(buildModelIdentity({ ...facts, label: 'Aloe Beta 72B (ward 3)' }).name).toBe(
      'Aloe Beta 72B (ward 3)',
    );
    expect(buildModelIdentity({ ...facts, metadata: {} }).name).toBe('x');
  });
});
