import { parse } from 'csv-parse/sync';

/**
 * The records of a CSV text with a header row, as objects keyed by the header's names (RFC 4180: quoted
 * fields may hold commas, doubled quotes and line breaks). Blank lines are skipped; a short record's
 * missing fields read as empty.
 */
export function csvRows(text: string): Array<Record<string, string>> {
  const [header, ...records] = parse(text, {
    relax_column_count: true,
    skip_empty_lines: true,
  }) as string[][];
  if (!header) return [];
  return records.map((fields) => Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ''])));
}
