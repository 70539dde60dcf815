import type { AuditEvent } from '@aloe/shared/schemas';
import type { Bundle, BundleEntry, AuditEvent as FhirAuditEvent } from '@medplum/fhirtypes';
import { AUDIT_EVENT_TAG_SYSTEM } from './audit-codes.js';

/**
 * One FHIR transaction for a batch of AuditEvents (pure): each a conditional create keyed by its event
 * id (`ifNoneExist: _tag=urn:aloe:audit-event|<eventId>`), so a batch delivered again creates nothing
 * twice; an event that appears twice in the batch (produced twice) is sent once.
 */
export function buildAuditTransaction(
  events: ReadonlyArray<{ event: AuditEvent; resource: FhirAuditEvent }>,
): Bundle<FhirAuditEvent> {
  const seen = new Set<string>();
  const entry: BundleEntry<FhirAuditEvent>[] = [];
  for (const { event, resource } of events) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    entry.push({
      fullUrl: `urn:uuid:${event.eventId}`,
      resource,
      request: {
        method: 'POST',
        url: 'AuditEvent',
        ifNoneExist: `_tag=${AUDIT_EVENT_TAG_SYSTEM}|${event.eventId}`,
      },
    });
  }
  return { resourceType: 'Bundle', type: 'transaction', entry };
}
