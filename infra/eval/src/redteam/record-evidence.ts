// Keeping a written report as evidence: its files' SHA-256 and sizes joined to the guardrails' audit chain
// (POST /v1/audit/evidence), and the receipt written beside them as evidence.json (a report cannot hold
// its own hash). Anyone can later hash the files and find the row: GET /v1/audit/records/<seq>.
import { stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { EvidenceReceipt, EvidenceRequest } from '@aloe/shared/schemas';
import type { EvalReport } from '../report/report.js';
import type { WrittenReport } from '../report/write-report.js';
import type { GuardrailsClient } from './guardrails-client.js';

export const EVIDENCE_FILE = 'evidence.json';

export interface RecordedEvidence extends EvidenceReceipt {
  /** Where the receipt was written. */
  file: string;
  request: EvidenceRequest;
}

/** The evidence request for a written report: its three files by name, hash and size, and a summary. */
export async function evidenceRequestFor(report: EvalReport, files: WrittenReport): Promise<EvidenceRequest> {
  const entries = [
    { path: files.json, sha256: files.sha256.json },
    { path: files.markdown, sha256: files.sha256.markdown },
    { path: files.html, sha256: files.sha256.html },
  ];
  return {
    kind: 'go-live-report',
    files: await Promise.all(
      entries.map(async (entry) => ({
        name: basename(entry.path),
        sha256: entry.sha256,
        bytes: (await stat(entry.path)).size,
      })),
    ),
    summary: summaryOf(report),
  };
}

/** What a compliance reader needs from the row alone: which model and rules were measured, and the headline figures. */
export function summaryOf(report: EvalReport): Record<string, unknown> {
  const redTeam = report.redTeam;
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    createdAt: report.createdAt,
    command: report.command,
    model: {
      id: report.model.id,
      fileSha256: report.model.fileSha256,
      quantization: report.model.quantization,
    },
    ...(report.rules ? { rules: report.rules } : {}),
    benchmarks: report.benchmarks.map((result) => ({
      dataset: result.dataset,
      strategy: result.strategy,
      items: result.items,
      accuracy: Number(result.accuracy.value.toFixed(4)),
    })),
    ...(redTeam
      ? {
          redTeam: {
            attempts: sum(redTeam.results.map((result) => result.attempts)),
            successesWithoutRails: sum(redTeam.results.map((result) => result.withoutRails.successes)),
            successesWithRails: sum(redTeam.results.map((result) => result.withRails.successes)),
            benignItems: sum(redTeam.benignFalsePositives.map((rate) => rate.total)),
            benignFalsePositives: sum(redTeam.benignFalsePositives.map((rate) => rate.successes)),
          },
        }
      : {}),
  };
}

/** Records the report in the audit log and writes the receipt beside it. */
export async function recordReportEvidence(
  guardrails: GuardrailsClient,
  report: EvalReport,
  files: WrittenReport,
): Promise<RecordedEvidence> {
  const request = await evidenceRequestFor(report, files);
  const receipt = await guardrails.recordEvidence(request);
  const file = join(dirname(files.json), EVIDENCE_FILE);
  await writeFile(
    file,
    `${JSON.stringify(
      {
        recordedAt: new Date().toISOString(),
        guardrails: guardrails.url,
        auditSeq: receipt.seq,
        rowHash: receipt.rowHash,
        duplicate: receipt.duplicate,
        files: request.files,
        check: `sha256sum ${request.files.map((entry) => entry.name).join(' ')}; then GET ${guardrails.url}/v1/audit/records/${receipt.seq} (compliance token) shows the same hashes, and POST /v1/audit/verify verifies the chain`,
      },
      null,
      2,
    )}\n`,
  );
  return { ...receipt, file, request };
}
