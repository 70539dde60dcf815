// The audit store on both databases it supports: the machine's PostgreSQL (127.0.0.1:5432) and PGlite.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, postgresUnavailable } from '../../test/audit-postgres.js';
import { type AuditEntry, type AuditStore, createAuditStore } from './audit-store.js';
import { openSqlClient, type SqlClient } from './sql-client.js';

const skipPostgres = await postgresUnavailable('the audit store');
const databases: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];

/** A database of its own for each store a test opens, dropped at the end. */
async function freshPostgres(): Promise<SqlClient> {
  const database = await createTestDatabase();
  databases.push(database);
  return openSqlClient(database.superuserUrl);
}

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  kind: 'decision',
  dedupeKey: randomUUID(),
  recordedAt: new Date().toISOString(),
  patientPseudonym: 'pseudonym-aaaaaaaaaaaa',
  modelId: 'aloe-test@sha256:37217638ca54',
  verdict: 'warn',
  ruleIds: ['output.interaction'],
  payload: { prompt: 'synthetic prompt', rawOutput: '{"suggestions":[]}', params: { temperature: 0.2 } },
  ...overrides,
});

// Here the store works as the superuser, which tampering tests need; audit-attacks.int.test.ts works
// as the app role too.
const backends: Array<[string, () => Promise<SqlClient>, (() => Promise<void>) | undefined]> = [
  ['PGlite', () => openSqlClient('pglite:memory'), undefined],
  ...(skipPostgres
    ? []
    : [
        [
          'PostgreSQL',
          freshPostgres,
          async () => {
            for (const database of databases.splice(0)) await database.drop();
          },
        ] as [string, () => Promise<SqlClient>, () => Promise<void>],
      ]),
];
if (skipPostgres) it.skip(skipPostgres, () => undefined);

describe.each(backends)('the audit store on %s', (_name, open, cleanUp) => {
  let db: SqlClient;
  let store: AuditStore;
  beforeAll(async () => {
    db = await open();
    store = createAuditStore(db);
    await store.migrate();
    await store.migrate(); // harmless twice
  });
  afterAll(async () => {
    await db.close();
    await cleanUp?.();
  });

  it('appends rows in one hash chain that verifies', async () => {
    const first = await store.append(entry());
    const second = await store.append(entry({ kind: 'feedback', verdict: null, ruleIds: [], modelId: null }));
    expect(second.seq).toBe(first.seq + 1);
    expect((await store.get(second.seq))?.prevHash).toBe(first.rowHash);
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it('keeps EHR access events (aloe.audit.v1) in the same chain, once per event', async () => {
    const event = {
      eventId: randomUUID(),
      recordedAt: new Date().toISOString(),
      source: 'fhir-adapter' as const,
      action: 'fhir-write' as const,
      outcome: 'success' as const,
      patientPseudonym: 'pseudonym-access-0001',
      resourceRefs: ['DetectedIssue/d1', 'Provenance/p1'],
      detail: { created: 2 },
    };
    const { recordAccess } = await import('../flows/record-access.js');
    await recordAccess(event, { audit: store });
    await recordAccess(event, { audit: store });
    const rows = await store.search({ kind: 'access', patientPseudonym: 'pseudonym-access-0001' });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload).toMatchObject({
      action: 'fhir-write',
      resourceRefs: ['DetectedIssue/d1', 'Provenance/p1'],
    });
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it('logs a redelivered decision once', async () => {
    const once = entry();
    const a = await store.append(once);
    const b = await store.append({ ...once, payload: { different: true } });
    expect(b).toEqual({ ...a, duplicate: true });
    expect(
      (await store.search({ patientPseudonym: once.patientPseudonym, limit: 1000 })).filter(
        (row) => row.dedupeKey === once.dedupeKey,
      ),
    ).toHaveLength(1);
  });

  it('serialises concurrent appends into one valid chain', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => store.append(entry())));
    expect(new Set(results.map((result) => result.seq)).size).toBe(20);
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it.each([
    ['UPDATE', "UPDATE audit_log SET verdict = 'allow'"],
    ['DELETE', 'DELETE FROM audit_log'],
    ['TRUNCATE', 'TRUNCATE audit_log'],
  ])('refuses %s in the database itself', async (operation, sql) => {
    const error = (await db.query(sql).catch((e: unknown) => e)) as { code?: string; message: string };
    expect(error.code).toBe('P0001');
    expect(error.message).toContain(`audit_log is append-only: ${operation} refused`);
  });

  it('counts a period by verdict, rule, model and kind in SQL', async () => {
    // A period of its own, in 2030, so the other tests' rows (recorded now) fall outside it.
    const at = (day: number) => `2030-03-0${day}T08:00:00.000Z`;
    const model = `stats-model-${randomUUID().slice(0, 8)}`;
    await store.append(
      entry({ recordedAt: at(1), modelId: model, verdict: 'block', ruleIds: ['r.a', 'r.b'] }),
    );
    await store.append(entry({ recordedAt: at(2), modelId: model, verdict: 'warn', ruleIds: ['r.a'] }));
    await store.append(entry({ recordedAt: at(2), verdict: 'warn', ruleIds: [] }));
    await store.append(
      entry({ recordedAt: at(3), kind: 'feedback', verdict: null, ruleIds: [], modelId: null }),
    );
    await store.append(entry({ recordedAt: at(5), modelId: model, verdict: 'allow', ruleIds: ['r.b'] }));
    expect(await store.stats({ from: at(1), to: at(5) })).toEqual({
      decisions: 3,
      byVerdict: [
        { key: 'warn', count: 2 },
        { key: 'block', count: 1 },
      ],
      byRule: [
        { key: 'r.a', count: 2 },
        { key: 'r.b', count: 1 },
      ],
      byModel: [
        { key: model, count: 2 },
        { key: 'aloe-test@sha256:37217638ca54', count: 1 },
      ],
      byKind: [
        { key: 'decision', count: 3 },
        { key: 'feedback', count: 1 },
      ],
    });
    expect(await store.stats({ from: at(5) })).toMatchObject({
      decisions: 1,
      byRule: [{ key: 'r.b', count: 1 }],
    });
  });

  it('searches by patient, verdict, rule, model and time', async () => {
    const pseudonym = `pseudonym-${randomUUID().slice(0, 12)}`;
    await store.append(
      entry({ patientPseudonym: pseudonym, verdict: 'block', ruleIds: ['output.allergy-conflict'] }),
    );
    await store.append(
      entry({ patientPseudonym: pseudonym, verdict: 'allow', ruleIds: [], modelId: 'other-model' }),
    );
    expect(await store.search({ patientPseudonym: pseudonym })).toHaveLength(2);
    expect(
      (await store.search({ patientPseudonym: pseudonym, verdict: 'block' })).map((row) => row.ruleIds),
    ).toEqual([['output.allergy-conflict']]);
    expect(
      await store.search({ patientPseudonym: pseudonym, ruleId: 'output.allergy-conflict' }),
    ).toHaveLength(1);
    expect(await store.search({ patientPseudonym: pseudonym, modelId: 'other-model' })).toHaveLength(1);
    expect(
      await store.search({ patientPseudonym: pseudonym, from: new Date(Date.now() + 60_000).toISOString() }),
    ).toHaveLength(0);
  });

  it('verify names the row someone altered directly in the database', async () => {
    const victim = await store.append(entry({ verdict: 'block', ruleIds: ['output.harmful-content'] }));
    await store.append(entry());
    // Tampering as a database owner would: switch the guard off, change a verdict, switch it back on.
    await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await db.query("UPDATE audit_log SET verdict = 'allow' WHERE seq = $1", [victim.seq]);
    await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    expect(await store.verify()).toMatchObject({
      ok: false,
      code: 'row-hash-mismatch',
      firstBrokenSeq: victim.seq,
      reason: expect.stringMatching(/altered/),
    });
    // Put it back so the remaining tests see a valid chain.
    await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await db.query("UPDATE audit_log SET verdict = 'block' WHERE seq = $1", [victim.seq]);
    await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    expect(await store.verify()).toMatchObject({ ok: true });
  });

  it('purges rows past the retention from the oldest end and keeps the chain verifiable', async () => {
    const fresh = await open();
    const other = createAuditStore(fresh);
    try {
      await other.migrate();
      const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
      await other.append(entry({ recordedAt: old }));
      await other.append(entry({ recordedAt: old }));
      const kept = await other.append(entry());
      expect(await other.purgeExpired(183)).toEqual({ ok: true, deleted: 2 });
      expect(await other.get(1)).toBeUndefined();
      expect(await other.verify()).toMatchObject({
        ok: true,
        rows: 1,
        lastSeq: kept.seq,
        anchor: { seq: 2 },
      });
      const next = await other.append(entry());
      expect(next.seq).toBe(kept.seq + 1);
      expect(await other.verify()).toMatchObject({ ok: true, rows: 2 });
      // Within the retention nothing can be deleted, even by the purge path.
      expect(await other.purgeExpired(183)).toEqual({ ok: true, deleted: 0 });
    } finally {
      await fresh.close();
    }
  });

  it('after an upgrade, trusts the rows written before rows were signed once, by their chain, and then only signed rows', async () => {
    const fresh = await open();
    const other = createAuditStore(fresh);
    try {
      await other.migrate();
      await other.append(entry());
      await other.append(entry());
      // Rows as migration 004 finds them: no signature.
      await fresh.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await fresh.query('UPDATE audit_log SET key_id = NULL, signature = NULL');
      await fresh.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      expect(await other.verify()).toMatchObject({ ok: false, code: 'row-unsigned', firstBrokenSeq: 1 });
      expect(await other.checkpoint()).toMatchObject({ ok: true, fresh: true, checkpoint: { seq: 2 } });
      expect(await other.verify()).toMatchObject({ ok: true, rows: 2, rowsAfterCheckpoint: 0 });
      await other.append(entry());
      expect(await other.verify()).toMatchObject({ ok: true, rows: 3, rowsAfterCheckpoint: 1 });
    } finally {
      await fresh.close();
    }
  });

  it('does not take a log with signed rows for an upgraded one: an unsigned row among them is never signed over', async () => {
    const fresh = await open();
    const other = createAuditStore(fresh);
    try {
      await other.migrate();
      await other.append(entry());
      await other.append(entry());
      await fresh.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await fresh.query('UPDATE audit_log SET key_id = NULL, signature = NULL WHERE seq = 2');
      await fresh.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      expect(await other.checkpoint()).toMatchObject({
        ok: false,
        verdict: { code: 'row-unsigned', firstBrokenSeq: 2 },
      });
    } finally {
      await fresh.close();
    }
  });
});
