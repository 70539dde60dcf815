import { createHash } from 'node:crypto';
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '@aloe/shared/canonical';
import { z } from 'zod';

/** What one item's evaluation produced, kept so a rerun of the same settings on the same model skips it. */
export interface CachedAnswer {
  itemId: string;
  /** The voted option key; absent when nothing parsed. */
  answer?: string;
  correct: boolean;
  parseFailures: number;
  attempts: number;
  promptTokens: number;
  completionTokens: number;
  wallMs: number;
  /** Each sample's parsed answer, in sample order, for ensembles. */
  samples?: string[];
  /** Medprompt: the few-shot examples that fitted the model's context and were sent. */
  fewShotUsed?: number;
}

const count = z.number().int().nonnegative();
const cachedAnswerSchema = z.object({
  itemId: z.string().min(1),
  answer: z.string().optional(),
  correct: z.boolean(),
  parseFailures: count,
  attempts: count,
  promptTokens: count,
  completionTokens: count,
  wallMs: z.number().nonnegative(),
  samples: z.array(z.string()).optional(),
  fewShotUsed: count.optional(),
});

export interface AnswerCache {
  /** `<dir>/<modelSha256>/<runKey>.jsonl` */
  readonly file: string;
  /** Items with an answer. */
  readonly size: number;
  /** Lines found unreadable on open (a torn last line after a crash, or damage). */
  readonly ignoredLines: number;
  get(itemId: string): CachedAnswer | undefined;
  /** Appends one line and syncs it to disk before resolving; a later put for the same item wins. */
  put(itemId: string, entry: CachedAnswer): Promise<void>;
  close(): Promise<void>;
}

export interface AnswerCacheOptions {
  dir: string;
  modelSha256: string;
  runKey: string;
}

/** A short, stable hash of a run's settings (RFC 8785 canonical JSON, so key order does not matter). */
export function runKeyOf(settings: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(settings)).digest('hex').slice(0, 16);
}

function checkFileNamePart(name: string, value: string): void {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(value)) {
    throw new TypeError(`${name} must be a plain file name part (letters, digits, . _ -), got "${value}"`);
  }
}

async function readIfPresent(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  }
}

function parseLine(line: string): CachedAnswer | undefined {
  try {
    const parsed = cachedAnswerSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens (or starts) the answer cache of one run on one model. Every complete line is read back; an
 * unterminated last line, which a kill mid-write leaves, is cut off so the next append starts clean.
 */
export async function openAnswerCache(options: AnswerCacheOptions): Promise<AnswerCache> {
  checkFileNamePart('modelSha256', options.modelSha256);
  checkFileNamePart('runKey', options.runKey);
  const folder = join(options.dir, options.modelSha256);
  const file = join(folder, `${options.runKey}.jsonl`);
  await mkdir(folder, { recursive: true });

  const content = await readIfPresent(file);
  const completeBytes = content.lastIndexOf(0x0a) + 1;
  if (completeBytes < content.length) await truncate(file, completeBytes);
  const entries = new Map<string, CachedAnswer>();
  let ignoredLines = completeBytes < content.length ? 1 : 0;
  for (const line of content.subarray(0, completeBytes).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseLine(line);
    if (entry) entries.set(entry.itemId, entry);
    else ignoredLines++;
  }

  const handle = await open(file, 'a');
  let pending: Promise<unknown> = Promise.resolve();
  let closed = false;

  return {
    file,
    get size() {
      return entries.size;
    },
    ignoredLines,
    get(itemId) {
      return entries.get(itemId);
    },
    async put(itemId, entry) {
      if (closed) throw new Error(`The answer cache ${file} is closed`);
      if (entry.itemId !== itemId) throw new TypeError(`put("${itemId}") got an entry for "${entry.itemId}"`);
      const stored = cachedAnswerSchema.parse(entry);
      // Puts are queued, each line one append that writes it whole, so concurrent puts never interleave.
      const write = pending.then(async () => {
        await handle.appendFile(`${JSON.stringify(stored)}\n`);
        await handle.datasync();
        entries.set(itemId, stored);
      });
      pending = write.catch(() => undefined);
      await write;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pending;
      await handle.close();
    },
  };
}
