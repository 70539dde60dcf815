import { Counter, Histogram, type Registry } from 'prom-client';

/** What the FHIR AuditEvent sink reports to Prometheus (the adapter's registry). */
export interface FhirAuditMetrics {
  /**
   * A transaction the FHIR server accepted: the events it carried (`entries`, after removing events
   * delivered twice in the batch), the events handled (`events`), how many it created (the rest it
   * already had), timings.
   */
  written(info: {
    entries: number;
    events: number;
    created: number;
    durationMs: number;
    lagsMs: readonly number[];
  }): void;
  /** A transaction that failed: retried (`willRetry`), or given up on (its events isolated or dead-lettered). */
  failed(info: { events: number; willRetry: boolean }): void;
  /** Events sent to the DLQ (undecodable, or refused on their own). */
  deadLettered(events: number): void;
}

export function createFhirAuditMetrics(registry: Registry): FhirAuditMetrics {
  const events = new Counter({
    name: 'aloe_fhir_audit_events_total',
    help: 'AuditEvents by outcome: created in the FHIR server, already there (a redelivery), dead-lettered',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const batches = new Counter({
    name: 'aloe_fhir_audit_batches_total',
    help: 'AuditEvent transactions by outcome: sent (accepted), retried (failed, tried again), failed (given up)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const batchSize = new Histogram({
    name: 'aloe_fhir_audit_batch_size',
    help: 'AuditEvents per accepted transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'aloe_fhir_audit_batch_duration_seconds',
    help: 'Round trip of an accepted AuditEvent transaction to the FHIR server',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const lagSeconds = new Histogram({
    name: 'aloe_fhir_audit_lag_seconds',
    help: 'From an event being recorded to its AuditEvent being accepted by the FHIR server',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
    registers: [registry],
  });
  return {
    written({ entries, events: handled, created, durationMs, lagsMs }) {
      events.inc({ outcome: 'created' }, created);
      events.inc({ outcome: 'existing' }, handled - created);
      batches.inc({ outcome: 'sent' });
      batchSize.observe(entries);
      batchSeconds.observe(durationMs / 1000);
      for (const lagMs of lagsMs) lagSeconds.observe(Math.max(0, lagMs) / 1000);
    },
    failed({ willRetry }) {
      batches.inc({ outcome: willRetry ? 'retried' : 'failed' });
    },
    deadLettered(count) {
      events.inc({ outcome: 'dead-lettered' }, count);
    },
  };
}
