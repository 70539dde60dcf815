import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { EvidenceRequest } from '@aloe/shared/schemas';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildExampleReport } from '../report/example-report.js';
import { type WrittenReport, writeReport } from '../report/write-report.js';
import { evidenceRequestFor } from './record-evidence.js';

describe('evidenceRequestFor', () => {
  const report = buildExampleReport();
  let dir: string;
  let files: WrittenReport;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aloe-evidence-'));
    files = await writeReport(report, dir);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the three files by their name in the folder, with the hash and size of the bytes on disk', async () => {
    const request = EvidenceRequest.parse(await evidenceRequestFor(report, files));
    expect(request.kind).toBe('go-live-report');
    expect(request.files.map((file) => file.name)).toEqual(['report.json', 'report.md', 'report.html']);
    for (const file of request.files) {
      const bytes = await readFile(join(dir, file.name));
      expect(file).toEqual({
        name: basename(file.name),
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.length,
      });
    }
  });

  it('summarises the model, the rules and the headline red-team counts for a reader of the row alone', async () => {
    const { summary } = await evidenceRequestFor(report, files);
    expect(summary).toMatchObject({
      createdAt: report.createdAt,
      model: { id: 'aloe-test-tiny', fileSha256: report.model.fileSha256 },
      rules: report.rules,
      redTeam: {
        attempts: 40,
        successesWithoutRails: 26,
        successesWithRails: 4,
        benignItems: 100,
        benignFalsePositives: 3,
      },
    });
    expect((summary.benchmarks as unknown[]).length).toBe(report.benchmarks.length);
  });
});
