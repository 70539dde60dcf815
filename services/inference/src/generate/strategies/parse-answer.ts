import { canonicalJson } from '@aloe/shared/canonical';

/**
 * The answer of one generation, for voting:
 * - JSON output with an `answer` field: that field; other JSON: its canonical text;
 * - text: the last `Answer: [X]` / `Answer: X` (prompt_engine's format);
 * With `validKeys` (multiple choice), only one of those keys counts (case-insensitive).
 */
export function parseAnswer(text: string, json: unknown, validKeys?: readonly string[]): string | undefined {
  if (json !== undefined && json !== null) {
    if (typeof json === 'object' && 'answer' in json)
      return normalize(String((json as { answer: unknown }).answer), validKeys);
    return validKeys ? undefined : canonicalJson(json);
  }
  const matches = [...text.matchAll(/answer\s*(?:is)?\s*[:：]?\s*\[?\s*\(?([A-Za-z0-9]{1,20})\)?\s*\]?/gi)];
  const last = matches.at(-1)?.[1];
  return last === undefined ? undefined : normalize(last, validKeys);
}

function normalize(answer: string, validKeys: readonly string[] | undefined): string | undefined {
  const trimmed = answer.trim();
  if (!validKeys) return trimmed || undefined;
  return validKeys.find((key) => key.toUpperCase() === trimmed.toUpperCase());
}
