// Feedback and access events into the audit log (PGlite, the embedded default): each once, and the
// feedback's event out to aloe.audit.v1 on every delivery.
import { randomUUID } from 'node:crypto';
import type { AuditEvent, Feedback } from '@aloe/shared/schemas';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AuditStore, createAuditStore } from '../audit/audit-store.js';
import { openSqlClient, type SqlClient } from '../audit/sql-client.js';
import { recordAccess } from './record-access.js';
import { recordFeedback } from './record-feedback.js';

let db: SqlClient;
let audit: AuditStore;

beforeAll(async () => {
  db = await openSqlClient('pglite:memory');
  audit = createAuditStore(db);
  await audit.migrate();
});
afterAll(async () => {
  await db.close();
});

const pseudonym = () => `pseudonym-${randomUUID().slice(0, 16)}`;

describe('recording feedback and access events', () => {
  it("logs a clinician's answer once, and publishes its feedback-received event on every delivery under one id", async () => {
    const feedback: Feedback = {
      feedbackId: randomUUID(),
      patientPseudonym: pseudonym(),
      setId: randomUUID(),
      suggestionId: 'ms-1',
      source: 'sidebar',
      outcome: 'accepted',
      userRef: 'Practitioner/dr-lee',
      outcomeTimestamp: '2026-11-26T09:00:00.000Z',
    };
    const published: AuditEvent[] = [];
    const deps = {
      audit,
      publishAudit: async (event: AuditEvent) => void published.push(event),
      now: () => new Date(),
    };
    await recordFeedback(feedback, deps);
    await recordFeedback(feedback, deps); // redelivered
    expect(await audit.search({ patientPseudonym: feedback.patientPseudonym })).toHaveLength(1);
    expect(published).toHaveLength(2);
    expect(published[1]!.eventId).toBe(published[0]!.eventId);
    expect(published[0]).toMatchObject({
      action: 'feedback-received',
      source: 'guardrails',
      userRef: 'Practitioner/dr-lee',
      patientPseudonym: feedback.patientPseudonym,
      detail: { setId: feedback.setId, suggestionId: 'ms-1', outcome: 'accepted', channel: 'sidebar' },
    });
  });

  it("logs the adapter's EHR accesses once per event id, and not the guardrails' own decision and feedback events", async () => {
    const patient = pseudonym();
    const read: AuditEvent = {
      eventId: randomUUID(),
      recordedAt: '2026-11-26T09:00:00.000Z',
      source: 'fhir-adapter',
      action: 'fhir-read',
      outcome: 'success',
      patientPseudonym: patient,
      resourceRefs: ['Patient/p1'],
      detail: {},
    };
    await recordAccess(read, { audit });
    await recordAccess(read, { audit });
    await recordAccess({ ...read, eventId: randomUUID(), action: 'cds-hook-call' }, { audit });
    await recordAccess(
      { ...read, eventId: randomUUID(), source: 'guardrails', action: 'ai-decision' },
      { audit },
    );
    await recordAccess(
      { ...read, eventId: randomUUID(), source: 'guardrails', action: 'feedback-received' },
      { audit },
    );
    const rows = await audit.search({ patientPseudonym: patient });
    expect(rows.map((row) => [row.kind, (row.payload as AuditEvent).action])).toEqual([
      ['access', 'fhir-read'],
      ['access', 'cds-hook-call'],
    ]);
    expect(await audit.verify()).toMatchObject({ ok: true });
  });
});
