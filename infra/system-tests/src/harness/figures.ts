import { writeFile } from 'node:fs/promises';

/** Figures by section: `{ run: { contexts: 200, … }, faults: { … } }`; values are numbers or short text. */
export type Figures = Record<string, Record<string, number | string | boolean>>;

/** The figures as a plain two-column table, section by section (for the test output and the README). */
export function figuresTable(title: string, figures: Figures): string {
  const rows = Object.entries(figures).flatMap(([section, values]) => [
    [section, ''],
    ...Object.entries(values).map(([name, value]) => [`  ${name}`, String(value)]),
  ]);
  const width = Math.max(...rows.map(([name]) => name!.length));
  const lines = rows.map(([name, value]) => (value ? `${name!.padEnd(width)}  ${value}` : name!));
  const rule = '─'.repeat(Math.max(title.length, ...lines.map((line) => line.length)));
  return [title, rule, ...lines, rule].join('\n');
}

/** Writes the figures as JSON (objects only, two-space indent: the form biome keeps as it is). */
export async function writeFigures(path: string, figures: Figures): Promise<void> {
  await writeFile(path, `${JSON.stringify(figures, null, 2)}\n`);
}
