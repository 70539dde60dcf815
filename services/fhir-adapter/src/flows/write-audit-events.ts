import { AppError, ErrorCode, InvalidInputError, UnavailableError } from '@aloe/shared/errors';
import type { Logger } from '@aloe/shared/logging';
import type { AuditEvent } from '@aloe/shared/schemas';
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirAuditMetrics } from '../audit/audit-metrics.js';
import { buildAuditTransaction } from '../audit/audit-transaction.js';
import { buildFhirAuditEvent } from '../audit/fhir-audit-event.js';
import { validationProblems } from '../write-back/validate-resources.js';

export interface WriteAuditEventsDeps {
  /** Posts a transaction to the FHIR server that keeps the AuditEvents (the EHR, or an audit repository). */
  submit: (bundle: Bundle) => Promise<{ references: string[]; created: number }>;
  metrics?: Pick<FhirAuditMetrics, 'written'> | undefined;
  logger: Logger;
  now: () => Date;
}

/**
 * Writes a batch of aloe.audit.v1 events as FHIR AuditEvents in one transaction of conditional creates
 * (nothing is created twice for an event id). Resolves once the server accepted the transaction, so
 * the caller may commit the batch. Throws a non-retriable error when an event cannot become a valid
 * AuditEvent or the server refuses the transaction as invalid (the caller isolates the event and
 * dead-letters it), and a retriable one when the server is down, busy, or refuses our credentials
 * (an outage or a configuration to fix, never a reason to drop the audit trail).
 */
export async function writeAuditEvents(
  events: readonly AuditEvent[],
  deps: WriteAuditEventsDeps,
): Promise<{ created: number; existing: number }> {
  const mapped = events.map((event) => {
    const resource = buildFhirAuditEvent(event);
    const problems = validationProblems(resource);
    if (problems.length > 0)
      throw new InvalidInputError(
        `Audit event ${event.eventId} (${event.action}) does not make a valid FHIR R4 AuditEvent: ${problems.join('; ')}`,
      );
    return { event, resource };
  });
  const bundle = buildAuditTransaction(mapped);
  const entries = bundle.entry?.length ?? 0;
  const startedAt = performance.now();
  const result = await deps.submit(bundle).catch((error: unknown) => {
    // 401/403 (credentials) and 404 (no such endpoint) are the operator's to fix; keep the events.
    if (
      error instanceof AppError &&
      (error.code === ErrorCode.Unauthorized || error.code === ErrorCode.NotFound)
    )
      throw new UnavailableError(`${error.message}; the AuditEvents are kept and retried`, { cause: error });
    throw error;
  });
  const durationMs = performance.now() - startedAt;
  const writtenAt = deps.now().getTime();
  deps.metrics?.written({
    entries,
    events: events.length,
    created: result.created,
    durationMs,
    lagsMs: events.map((event) => writtenAt - Date.parse(event.recordedAt)),
  });
  deps.logger.info(
    { events: events.length, entries, created: result.created, durationMs: Math.round(durationMs) },
    'AuditEvents written',
  );
  return { created: result.created, existing: events.length - result.created };
}
