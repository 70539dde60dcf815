import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { buildExampleReport } from './example-report.js';
import { writeReport } from './write-report.js';

describe('writeReport', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('writes the JSON, Markdown and HTML into a new folder and returns the SHA-256 of each file', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'aloe-eval-report-'));
    folders.push(parent);
    const dir = join(parent, 'runs', 'first');
    const report = buildExampleReport();

    const written = await writeReport(report, dir);

    expect(await readdir(dir)).toEqual(['report.html', 'report.json', 'report.md']);
    expect(written).toMatchObject({
      json: join(dir, 'report.json'),
      markdown: join(dir, 'report.md'),
      html: join(dir, 'report.html'),
    });
    for (const format of ['json', 'markdown', 'html'] as const) {
      const bytes = await readFile(written[format]);
      expect(written.sha256[format]).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    const json = await readFile(written.json, 'utf8');
    expect(JSON.parse(json)).toEqual(report);
    expect(json).toContain('\n  "createdAt"');
    expect(await readFile(written.markdown, 'utf8')).toContain('47.5% (36.9–58.3)');
    expect(await readFile(written.html, 'utf8')).toMatch(/^<!doctype html>/);
  });
});
