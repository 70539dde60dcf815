import type { AuditAction, AuditEvent } from '@aloe/shared/schemas';
import type { AuditStore } from '../audit/audit-store.js';

/** What the guardrails themselves publish about rows this log already holds: not logged a second time. */
const OWN_ROWS: ReadonlySet<AuditAction> = new Set(['ai-decision', 'feedback-received']);

/**
 * An EHR read or write, or a CDS Hooks call, reported on aloe.audit.v1 (by the fhir-adapter) joins the
 * audit chain once per event id: the compliance log then shows, for a decision, the FHIR resources it
 * was built from and the ones written back (by correlation id = context id). The guardrails' own
 * `ai-decision` and `feedback-received` events mirror a decision or feedback row and are skipped.
 */
export async function recordAccess(event: AuditEvent, deps: { audit: AuditStore }): Promise<void> {
  if (event.source === 'guardrails' && OWN_ROWS.has(event.action)) return;
  await deps.audit.append({
    kind: 'access',
    dedupeKey: event.eventId,
    recordedAt: event.recordedAt,
    patientPseudonym: event.patientPseudonym ?? 'none',
    modelId: null,
    verdict: null,
    ruleIds: [],
    payload: event,
  });
}
