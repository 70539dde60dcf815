// Each known attack on the audit log, done for real on PostgreSQL and PGlite: as the service's app role
// (refused by the database) and as a superuser (who cannot be stopped, so verify must name it).
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, postgresUnavailable } from '../../test/audit-postgres.js';
import { type AuditEntry, type AuditStore, createAuditStore } from './audit-store.js';
import { computeRowHash, type StoredRow } from './hash-chain.js';
import { migrateAuditSchema } from './migrations.js';
import { openAuditDatabase } from './open-audit-database.js';
import { openSqlClient, type SqlClient } from './sql-client.js';

const skipPostgres = await postgresUnavailable('the audit attacks');

interface Backend {
  /** The service's connection: every session works as aloe_audit_app. */
  app: SqlClient;
  escapableBecause: string | undefined;
  /** Runs `work` with superuser rights. */
  superuser<T>(work: (db: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function postgres(): Promise<Backend> {
  const database = await createTestDatabase();
  // Migrations as the owner's login, then the service on a login of its own, as
  // docs/runbook.md#audit-database-roles says.
  const su = await openSqlClient(database.superuserUrl);
  await migrateAuditSchema(su);
  const { db: app, escapableBecause } = await openAuditDatabase({
    databaseUrl: await database.appLoginUrl(),
    ownerDatabaseUrl: database.superuserUrl,
  });
  return {
    app,
    escapableBecause,
    superuser: (work) => work(su),
    async close() {
      await app.close();
      await su.close();
      await database.drop();
    },
  };
}

async function pglite(): Promise<Backend> {
  const { db: app, escapableBecause } = await openAuditDatabase({ databaseUrl: 'pglite:memory' });
  return {
    app,
    escapableBecause,
    // One session: it steps out of the app role and back (what PGlite cannot prevent; see
    // docs/architecture.md#audit-log).
    async superuser(work) {
      await app.exec('RESET ROLE');
      try {
        return await work(app);
      } finally {
        await app.exec('SET ROLE aloe_audit_app');
      }
    },
    close: () => app.close(),
  };
}

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  kind: 'decision',
  dedupeKey: randomUUID(),
  recordedAt: new Date().toISOString(),
  patientPseudonym: 'pseudonym-attack-0001',
  modelId: 'aloe-test@sha256:1',
  verdict: 'block',
  ruleIds: ['output.allergy-conflict'],
  payload: { n: 1 },
  ...overrides,
});

/** How the database refused `work`, as { code, message } (code 'none' when it did not). */
async function refused(work: Promise<unknown>) {
  const error = (await work.then(
    () => ({ code: 'none', message: 'not refused' }),
    (e: unknown) => e,
  )) as { code?: string; message: string };
  return { code: error.code, message: error.message };
}
const refusal = (db: SqlClient, sql: string, params?: unknown[]) => refused(db.query(sql, params));

const PERMISSION_DENIED = '42501';
const APPEND_ONLY = 'P0001';

const backends: Array<[string, () => Promise<Backend>]> = [
  ['PGlite', pglite],
  ...(skipPostgres ? [] : [['PostgreSQL', postgres] as [string, () => Promise<Backend>]]),
];
if (skipPostgres) it.skip(skipPostgres, () => undefined);

describe.each(backends)('attacks on the audit log on %s', (name, open) => {
  let backend: Backend;
  let store: AuditStore;
  /** Rows 1…6; 1 and 2 recorded 400 days ago; a checkpoint signed over row 4. */
  let rows: StoredRow[];

  beforeEach(async () => {
    backend = await open();
    store = createAuditStore(backend.app);
    const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
    for (let n = 1; n <= 6; n++) {
      await store.append(entry({ recordedAt: n <= 2 ? old : new Date().toISOString(), payload: { n } }));
      if (n === 4)
        expect(await store.checkpoint()).toMatchObject({ ok: true, fresh: true, checkpoint: { seq: 4 } });
    }
    rows = await store.search({ limit: 100 });
  });
  afterEach(async () => {
    await backend.close();
  });

  const superuser = <T>(work: (db: SqlClient) => Promise<T>) => backend.superuser(work);
  /** What a superuser does to get past the triggers: switch them off, change the table, switch them on. */
  const withTriggersOff = (db: SqlClient, table: string, work: (tx: SqlClient) => Promise<unknown>) =>
    db.transaction(async (tx) => {
      await tx.exec(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await work(tx);
      await tx.exec(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    });

  it('the service works as the app role: appends, signs checkpoints, purges and verifies', async () => {
    const [role] = await backend.app.query<{ role: string }>('SELECT current_user AS role');
    expect(role?.role).toBe('aloe_audit_app');
    expect(backend.escapableBecause).toEqual(
      name === 'PGlite' ? expect.stringMatching(/no logins/) : undefined,
    );
    expect(await store.verify()).toMatchObject({
      ok: true,
      rows: 6,
      checkpoint: { seq: 4 },
      rowsAfterCheckpoint: 2,
    });
    expect(await store.purgeExpired(183)).toEqual({ ok: true, deleted: 2 });
    expect(await store.checkpoint()).toMatchObject({ ok: true, fresh: true, checkpoint: { seq: 6 } });
    expect(await store.verify()).toMatchObject({
      ok: true,
      rows: 4,
      anchor: { seq: 2 },
      rowsAfterCheckpoint: 0,
    });
  });

  it('the old session setting unlocks nothing: DELETE is refused to the app role and to a superuser', async () => {
    const deleteWithSetting = (db: SqlClient) =>
      refused(
        db.transaction(async (tx) => {
          await tx.exec(`SET LOCAL aloe.retention_purge = '-36500'`);
          await tx.query('DELETE FROM audit_log');
        }),
      );
    expect(await deleteWithSetting(backend.app)).toMatchObject({
      code: PERMISSION_DENIED,
      message: expect.stringMatching(/permission denied for table audit_log/),
    });
    expect(await superuser(deleteWithSetting)).toEqual({
      code: APPEND_ONLY,
      message: 'audit_log is append-only: DELETE refused',
    });
    expect(await store.verify()).toMatchObject({ ok: true, rows: 6 });
  });

  it('refuses the app role every other change to the log and its checkpoints; a superuser, by the triggers', async () => {
    for (const sql of [
      'UPDATE audit_log SET verdict = NULL',
      'TRUNCATE audit_log',
      'UPDATE audit_checkpoint SET seq = 1',
      'DELETE FROM audit_checkpoint',
      'TRUNCATE audit_checkpoint',
    ])
      expect({ sql, ...(await refusal(backend.app, sql)) }).toMatchObject({ sql, code: PERMISSION_DENIED });
    expect(await superuser((db) => refusal(db, 'DELETE FROM audit_checkpoint'))).toEqual({
      code: APPEND_ONLY,
      message: 'audit_checkpoint is append-only: DELETE refused',
    });
  });

  it('ALTER TABLE … DISABLE TRIGGER: refused to the app role; a superuser can, and verify names the row changed', async () => {
    for (const sql of [
      'ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only',
      'ALTER TABLE audit_log DISABLE TRIGGER ALL',
      'ALTER TABLE audit_anchor DISABLE TRIGGER USER',
    ])
      expect(await refusal(backend.app, sql)).toMatchObject({
        code: PERMISSION_DENIED,
        message: expect.stringMatching(/must be owner of table/),
      });
    await superuser((db) =>
      withTriggersOff(db, 'audit_log', (tx) =>
        tx.query(`UPDATE audit_log SET verdict = 'allow' WHERE seq = 2`),
      ),
    );
    expect(await store.verify()).toMatchObject({ ok: false, code: 'row-hash-mismatch', firstBrokenSeq: 2 });
  });

  it('audit_anchor: the app role may not write it; a superuser is refused by its trigger', async () => {
    const fake = [2, rows[1]!.rowHash];
    for (const sql of [
      `INSERT INTO audit_anchor (id, seq, row_hash, purged_at) VALUES (TRUE, $1, $2, now())`,
      `UPDATE audit_anchor SET seq = $1, row_hash = $2`,
    ])
      expect(await refusal(backend.app, sql, fake)).toMatchObject({ code: PERMISSION_DENIED });
    expect(await refusal(backend.app, 'DELETE FROM audit_anchor')).toMatchObject({ code: PERMISSION_DENIED });
    expect(
      await superuser((db) =>
        refusal(
          db,
          `INSERT INTO audit_anchor (id, seq, row_hash, purged_at) VALUES (TRUE, $1, $2, now())`,
          fake,
        ),
      ),
    ).toEqual({
      code: APPEND_ONLY,
      message: 'audit_anchor is written only by audit_purge_expired(): INSERT refused',
    });
  });

  it('deleting the newest rows: refused to the app role; named tail-truncated, and never signed over', async () => {
    expect(await refusal(backend.app, 'DELETE FROM audit_log WHERE seq >= 3')).toMatchObject({
      code: PERMISSION_DENIED,
    });
    await superuser((db) =>
      withTriggersOff(db, 'audit_log', (tx) => tx.query('DELETE FROM audit_log WHERE seq >= 3')),
    );
    expect(await store.verify()).toMatchObject({ ok: false, code: 'tail-truncated', firstBrokenSeq: 3 });
    // Signing reads from the last checkpoint (row 4) on, and finds it gone.
    expect(await store.checkpoint()).toMatchObject({ ok: false, verdict: { code: 'tail-truncated' } });
    // The next append reuses seq 3: the signed hash of row 4 still gives it away.
    await store.append(entry());
    await store.append(entry());
    expect(await store.verify()).toMatchObject({ ok: false, code: 'chain-rewritten', firstBrokenSeq: 4 });
  });

  it('deleting the newest rows and the checkpoints with them: the running service still names it', async () => {
    await superuser(async (db) => {
      await withTriggersOff(db, 'audit_log', (tx) => tx.query('DELETE FROM audit_log WHERE seq >= 3'));
      await withTriggersOff(db, 'audit_checkpoint', (tx) => tx.query('DELETE FROM audit_checkpoint'));
    });
    expect(await store.verify()).toMatchObject({ ok: false, code: 'tail-truncated', firstBrokenSeq: 3 });
  });

  it('deleting the oldest rows without an anchor: named head-deleted', async () => {
    await superuser((db) =>
      withTriggersOff(db, 'audit_log', (tx) => tx.query('DELETE FROM audit_log WHERE seq <= 2')),
    );
    expect(await store.verify()).toMatchObject({ ok: false, code: 'head-deleted', firstBrokenSeq: 3 });
  });

  it('deleting the oldest rows under a fake anchor: named anchor-unsigned, then anchor-signature-invalid', async () => {
    await superuser(async (db) => {
      await withTriggersOff(db, 'audit_log', (tx) => tx.query('DELETE FROM audit_log WHERE seq <= 2'));
      await withTriggersOff(db, 'audit_anchor', (tx) =>
        tx.query(`INSERT INTO audit_anchor (id, seq, row_hash, purged_at) VALUES (TRUE, 2, $1, now())`, [
          rows[1]!.rowHash,
        ]),
      );
    });
    expect(await store.verify()).toMatchObject({ ok: false, code: 'anchor-unsigned', firstBrokenSeq: 2 });
    await superuser((db) =>
      withTriggersOff(db, 'audit_anchor', (tx) =>
        tx.query('UPDATE audit_anchor SET key_id = $1, signature = $2', [
          store.signer.keyId,
          Buffer.alloc(64).toString('base64'),
        ]),
      ),
    );
    expect(await store.verify()).toMatchObject({
      ok: false,
      code: 'anchor-signature-invalid',
      firstBrokenSeq: 2,
    });
  });

  it('the purge function, called directly by the app role: never under 183 days, never a young row, and its anchor must be signed', async () => {
    const purge = (retentionDays: number, seq: number, signature = 'c2ln') =>
      refusal(backend.app, 'SELECT audit_purge_expired($1, $2, $3, now(), $4, $5)', [
        retentionDays,
        seq,
        rows[seq - 1]!.rowHash,
        store.signer.keyId,
        signature,
      ]);
    expect(await purge(1, 2)).toMatchObject({
      code: '22023',
      message: 'the audit retention must be at least 183 days (got 1)',
    });
    expect(await purge(183, 3)).toMatchObject({
      code: '22023',
      message: 'rows up to 3 are not all older than 183 days',
    });
    expect(await purge(183, 2)).toMatchObject({ code: 'none' }); // allowed: rows 1 and 2 are past the retention
    expect(await store.get(2)).toBeUndefined();
    expect(await store.verify()).toMatchObject({
      ok: false,
      code: 'anchor-signature-invalid',
      firstBrokenSeq: 2,
    });
  });

  it('a chain edited and re-hashed by a superuser: named chain-rewritten', async () => {
    await superuser((db) =>
      withTriggersOff(db, 'audit_log', async (tx) => {
        let prevHash = rows[0]!.rowHash;
        for (const row of rows.slice(1)) {
          const content = { ...row, verdict: row.seq === 2 ? 'allow' : row.verdict };
          const { prevHash: _p, rowHash: _r, ...chained } = { ...content, prevHash };
          const rowHash = computeRowHash(prevHash, chained);
          await tx.query('UPDATE audit_log SET verdict = $1, prev_hash = $2, row_hash = $3 WHERE seq = $4', [
            content.verdict,
            prevHash,
            rowHash,
            row.seq,
          ]);
          prevHash = rowHash;
        }
      }),
    );
    expect(await store.verify()).toMatchObject({ ok: false, code: 'chain-rewritten', firstBrokenSeq: 4 });
  });

  it('a row forged with a valid chain hash: named row-unsigned (app role) or row-signature-invalid (superuser), never signed over', async () => {
    const forge = (db: SqlClient, signature: string | null) => {
      const content = { ...entry(), seq: 7, recordedAt: new Date().toISOString() };
      const prevHash = rows[5]!.rowHash;
      return db.query(
        `INSERT INTO audit_log (seq, kind, dedupe_key, recorded_at, patient_pseudonym, model_id, verdict, rule_ids, payload, prev_hash, row_hash, key_id, signature)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          7,
          content.kind,
          content.dedupeKey,
          content.recordedAt,
          content.patientPseudonym,
          content.modelId,
          content.verdict,
          content.ruleIds,
          JSON.stringify(content.payload),
          prevHash,
          computeRowHash(prevHash, content),
          signature && store.signer.keyId,
          signature,
        ],
      );
    };
    await forge(backend.app, null);
    expect(await store.verify()).toMatchObject({ ok: false, code: 'row-unsigned', firstBrokenSeq: 7 });
    expect(await store.checkpoint()).toMatchObject({ ok: false, verdict: { code: 'row-unsigned' } });
    await superuser((db) =>
      withTriggersOff(db, 'audit_log', (tx) => tx.query('DELETE FROM audit_log WHERE seq = 7')),
    );
    await superuser((db) => forge(db, Buffer.alloc(64, 1).toString('base64')));
    expect(await store.verify()).toMatchObject({
      ok: false,
      code: 'row-signature-invalid',
      firstBrokenSeq: 7,
    });
  });
});

(skipPostgres ? describe.skip : describe)('the service on PostgreSQL without an owner login', () => {
  it('migrates with its own login, then works as the app role, and says that login could switch back', async () => {
    const database = await createTestDatabase();
    try {
      const { db, escapableBecause } = await openAuditDatabase({ databaseUrl: database.superuserUrl });
      try {
        expect(await db.query('SELECT current_user AS role')).toEqual([{ role: 'aloe_audit_app' }]);
        expect(await refusal(db, 'DELETE FROM audit_log')).toMatchObject({ code: PERMISSION_DENIED });
        expect(escapableBecause).toMatch(/^the login \w+ is a superuser$/);
      } finally {
        await db.close();
      }
    } finally {
      await database.drop();
    }
  });
});
