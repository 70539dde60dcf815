import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { InvalidInputError } from '@aloe/shared/errors';
import { z } from 'zod';
import type { McqItem } from './dataset.js';

/** A record that could not become an item, with the reason; reported, never dropped silently. */
export interface InvalidRecord {
  file: string;
  /** The id the item would have had. */
  id: string;
  reason: string;
}

export interface LoadedItems {
  /** Every valid record, files in the given order, records in file order. */
  items: McqItem[];
  invalid: InvalidRecord[];
}

// prompt_engine's MCQA record (prompt_engine/datasets/**.json); extra fields (CareQA's exam_id…) are ignored.
const mcqRecordSchema = z
  .object({
    id: z.union([z.string().min(1), z.number()]).optional(),
    question: z.string().trim().min(1, 'the question is empty'),
    correct_answer: z.string(),
    options: z.record(
      z.string().trim().min(1, 'an option key is empty'),
      z.string().trim().min(1, 'an option text is empty'),
    ),
    context: z.union([z.array(z.string()), z.string()]).optional(),
  })
  .superRefine((record, ctx) => {
    const keys = Object.keys(record.options);
    if (keys.length < 2) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'fewer than 2 options' });
    } else if (!keys.includes(record.correct_answer)) {
      ctx.addIssue({
        code: 'custom',
        path: ['correct_answer'],
        message: `"${record.correct_answer}" is not one of the option keys ${keys.join(', ')}`,
      });
    }
  });

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

async function readRecords(file: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new InvalidInputError(`Cannot read ${file} as JSON`, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidInputError(`${file} is not a JSON object keyed by record id (prompt_engine's format)`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * Loads and validates MCQA files. A whole file that cannot be read throws; a bad record lands in
 * `invalid` with its file, id and reason (as does a repeated id), so the caller reports it.
 */
export async function loadItems(files: readonly string[]): Promise<LoadedItems> {
  const items: McqItem[] = [];
  const invalid: InvalidRecord[] = [];
  const seenIds = new Set<string>();
  for (const file of files) {
    const prefix = files.length > 1 ? `${basename(file, '.json')}:` : '';
    for (const [key, value] of Object.entries(await readRecords(file))) {
      const ownId = (value as { id?: unknown } | null)?.id;
      const id = `${prefix}${typeof ownId === 'string' || typeof ownId === 'number' ? ownId : key}`;
      const parsed = mcqRecordSchema.safeParse(value);
      if (!parsed.success) {
        invalid.push({ file, id, reason: describeIssues(parsed.error) });
        continue;
      }
      if (seenIds.has(id)) {
        invalid.push({ file, id, reason: 'the id repeats an earlier record' });
        continue;
      }
      seenIds.add(id);
      const record = parsed.data;
      const context = Array.isArray(record.context) ? record.context.join('\n') : record.context;
      items.push({
        id,
        question: record.question,
        options: Object.entries(record.options).map(([optionKey, text]) => ({ key: optionKey, text })),
        answer: record.correct_answer,
        ...(context ? { context } : {}),
      });
    }
  }
  return { items, invalid };
}
