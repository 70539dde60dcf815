import type { AuditEvent } from '@aloe/shared/schemas';
import type { AuditStore } from '../audit/audit-store.js';

/**
 * An EHR read or write reported on aloe.audit.v1 (by the fhir-adapter) joins the audit chain once per
 * event id: the compliance log then shows, for a decision, the FHIR resources it was built from and the
 * ones written back (by correlation id = context id).
 */
export async function recordAccess(event: AuditEvent, deps: { audit: AuditStore }): Promise<void> {
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
