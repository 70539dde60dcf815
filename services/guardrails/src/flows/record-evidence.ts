import { createHash } from 'node:crypto';
import { canonicalJson } from '@aloe/shared/canonical';
import type { EvidenceReceipt, EvidenceRequest } from '@aloe/shared/schemas';
import type { AuditStore } from '../audit/audit-store.js';

/**
 * A validation report kept as evidence (docs/architecture.md#go-live-validation): its files by name,
 * SHA-256 and size, and a small summary, join the audit chain as one `evidence` row, so the report
 * written beside the exports can later be checked against the signed log. No patient: the pseudonym is
 * `none`, as for access events without one. The dedupe key is the request's digest, so a retried
 * request is recorded once; evidence rows are not published as FHIR AuditEvents (they concern no
 * patient's record).
 */
export async function recordEvidence(
  evidence: EvidenceRequest,
  deps: { audit: AuditStore; now: () => Date },
): Promise<EvidenceReceipt> {
  const digest = createHash('sha256').update(canonicalJson(evidence)).digest('hex');
  const { seq, rowHash, duplicate } = await deps.audit.append({
    kind: 'evidence',
    dedupeKey: `evidence:${digest}`,
    recordedAt: deps.now().toISOString(),
    patientPseudonym: 'none',
    modelId: null,
    verdict: null,
    ruleIds: [],
    payload: evidence,
  });
  return { seq, rowHash, duplicate };
}
