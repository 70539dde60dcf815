import { createHash } from 'node:crypto';
import { canonicalJson } from '@aloe/shared/canonical';

/** The prev_hash of the first row ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hashed content of one audit row (everything but the hashes themselves). */
export interface ChainedRow {
  seq: number;
  /**
   * decision: a guardrails verdict; feedback: a clinician's answer; access: an EHR read or write (from
   * aloe.audit.v1); evidence: a validation report's files by hash (POST /v1/audit/evidence).
   */
  kind: 'decision' | 'feedback' | 'access' | 'evidence';
  dedupeKey: string;
  /** ISO 8601 with milliseconds, as stored. */
  recordedAt: string;
  patientPseudonym: string;
  modelId: string | null;
  verdict: string | null;
  ruleIds: string[];
  payload: unknown;
}

/** row_hash = SHA-256(prev_hash ‖ canonical JSON of the row). Pure. */
export function computeRowHash(prevHash: string, row: ChainedRow): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(row)).digest('hex');
}

/** A row as stored: its content and both hashes. */
export type StoredRow = ChainedRow & { prevHash: string; rowHash: string };
