import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import type { EvalReport } from './report.js';

export interface WrittenReport {
  json: string;
  markdown: string;
  html: string;
  /** Hex SHA-256 of each file's bytes, for the audit log. */
  sha256: { json: string; markdown: string; html: string };
}

/** Writes report.json (pretty), report.md and report.html into `dir` (created if missing). */
export async function writeReport(report: EvalReport, dir: string): Promise<WrittenReport> {
  const contents = {
    json: `${JSON.stringify(report, null, 2)}\n`,
    markdown: renderMarkdown(report),
    html: await renderHtml(report),
  };
  const paths = {
    json: join(dir, 'report.json'),
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
  };
  await mkdir(dir, { recursive: true });
  // The hash is of the exact bytes written, so it can be checked against the file later.
  const sha256 = { json: '', markdown: '', html: '' };
  for (const format of ['json', 'markdown', 'html'] as const) {
    const bytes = Buffer.from(contents[format], 'utf8');
    await writeFile(paths[format], bytes);
    sha256[format] = createHash('sha256').update(bytes).digest('hex');
  }
  return { ...paths, sha256 };
}
