import type { AuditEvent } from '@aloe/shared/schemas';

/** Builds an audit event for the shared audit topic (references and counts only, never contents). Pure. */
export function buildAuditEvent(
  fields: Omit<AuditEvent, 'eventId' | 'recordedAt' | 'source' | 'resourceRefs' | 'detail'> & {
    resourceRefs?: string[];
    detail?: AuditEvent['detail'];
  },
  deps: { newId: () => string; now: () => Date },
): AuditEvent {
  return {
    eventId: deps.newId(),
    recordedAt: deps.now().toISOString(),
    source: 'fhir-adapter',
    resourceRefs: fields.resourceRefs ?? [],
    detail: fields.detail ?? {},
    ...fields,
  } as AuditEvent;
}
