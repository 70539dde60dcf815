// The compliance API over HTTP (supertest on createApp) on a real PGlite audit database, and the
// offline verify command over its exports (NDJSON and CSV, whole and filtered) with the public key.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@aloe/shared/logging';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { testHarmModelDir } from '../../test/harm-model.js';
import { createApp } from '../app.js';
import { type AuditStore, createAuditStore } from '../audit/audit-store.js';
import { openAuditDatabase } from '../audit/open-audit-database.js';
import type { SqlClient } from '../audit/sql-client.js';
import { type HarmClassifier, loadHarmClassifier } from '../rails/harm/harm-classifier.js';

const COMPLIANCE = 'compliance-officer-token';
const CLINICIAN = 'clinician-token';
let db: SqlClient;
let audit: AuditStore;
let app: Express;
let harm: HarmClassifier;
let dir: string;
const pseudonym = 'pseudonym-compliance-01';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aloe-compliance-'));
  // As the service opens it: migrated, then working as the app role.
  ({ db } = await openAuditDatabase({ databaseUrl: 'pglite:memory' }));
  audit = createAuditStore(db);
  const base = {
    kind: 'decision' as const,
    recordedAt: '2026-11-20T10:00:00.000Z',
    patientPseudonym: pseudonym,
    modelId: 'aloe-test@sha256:1',
  };
  await audit.append({
    ...base,
    dedupeKey: randomUUID(),
    verdict: 'block',
    ruleIds: ['output.allergy-conflict'],
    payload: { note: 'first, "quoted", with, commas' },
  });
  await audit.append({ ...base, dedupeKey: randomUUID(), verdict: 'allow', ruleIds: [], payload: { n: 2 } });
  await audit.append({
    ...base,
    dedupeKey: randomUUID(),
    recordedAt: '2026-11-22T10:00:00.000Z',
    modelId: 'other@sha256:2',
    verdict: 'warn',
    ruleIds: ['output.interaction'],
    payload: { n: 3 },
  });
  await audit.append({
    ...base,
    dedupeKey: randomUUID(),
    patientPseudonym: 'someone-else-000001',
    verdict: 'allow',
    ruleIds: [],
    payload: { n: 4 },
  });
  harm = await loadHarmClassifier(testHarmModelDir());
  app = createApp({
    audit,
    harm,
    complianceTokens: [COMPLIANCE],
    otherTokens: [CLINICIAN],
    logger: createLogger({ service: 'compliance-test', level: 'silent' }),
    ready: async () => true,
  });
});
afterAll(async () => {
  await harm.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe('role-based access', () => {
  it('answers 401 without a token and 403 for another role', async () => {
    const none = await request(app).get('/v1/audit/records').expect(401);
    expect(none.body.resourceType).toBe('OperationOutcome');
    const clinician = await request(app).get('/v1/audit/records').set(as(CLINICIAN)).expect(403);
    expect(clinician.body.issue[0].details.text).toMatch(/compliance role only/);
  });
});

describe('search and records', () => {
  it('searches by patient pseudonym, verdict, rule, model and time', async () => {
    const byPatient = await request(app)
      .get(`/v1/audit/records?patient=${pseudonym}`)
      .set(as(COMPLIANCE))
      .expect(200);
    expect(byPatient.body.records).toHaveLength(3);
    const blocked = await request(app)
      .get(`/v1/audit/records?patient=${pseudonym}&verdict=block`)
      .set(as(COMPLIANCE))
      .expect(200);
    expect(blocked.body.records.map((row: { ruleIds: string[] }) => row.ruleIds)).toEqual([
      ['output.allergy-conflict'],
    ]);
    const byRule = await request(app)
      .get('/v1/audit/records?rule=output.interaction')
      .set(as(COMPLIANCE))
      .expect(200);
    expect(byRule.body.records).toHaveLength(1);
    const byModel = await request(app)
      .get('/v1/audit/records?model=other%40sha256%3A2')
      .set(as(COMPLIANCE))
      .expect(200);
    expect(byModel.body.records).toHaveLength(1);
    const byTime = await request(app)
      .get(`/v1/audit/records?patient=${pseudonym}&from=2026-11-21T00:00:00Z&to=2026-11-23T00:00:00Z`)
      .set(as(COMPLIANCE))
      .expect(200);
    expect(byTime.body.records.map((row: { verdict: string }) => row.verdict)).toEqual(['warn']);
  });

  it('returns one record, and a clear error for a bad query', async () => {
    const one = await request(app).get('/v1/audit/records/2').set(as(COMPLIANCE)).expect(200);
    expect(one.body).toMatchObject({ seq: 2, verdict: 'allow' });
    await request(app).get('/v1/audit/records/999').set(as(COMPLIANCE)).expect(404);
    const bad = await request(app).get('/v1/audit/records?verdict=maybe').set(as(COMPLIANCE)).expect(400);
    expect(bad.body.issue[0].details.text).toMatch(/verdict/);
  });
});

/** Runs the offline verifier (dist/, built) as an auditor would; its output and exit status. */
function verifyOffline(...args: string[]): { output: string; status: number } {
  try {
    const output = execFileSync(process.execPath, ['dist/cli/verify-export.js', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { output, status: 0 };
  } catch (error) {
    const { stdout, stderr, status } = error as { stdout: string; stderr: string; status: number };
    return { output: `${stdout}${stderr}`, status };
  }
}

/** Body lines of an export: the rows, then the seal. */
const linesOf = (text: string) => text.trim().split('\n');

describe('export and verify', () => {
  let keyFile: string;
  beforeAll(async () => {
    keyFile = join(dir, 'audit-key.pem');
    const key = await request(app).get('/v1/audit/public-key').expect(200);
    await writeFile(keyFile, key.text);
  });

  it('publishes the public key to anyone, with its key id', async () => {
    const key = await request(app).get('/v1/audit/public-key').expect(200);
    expect(key.headers['content-type']).toContain('application/x-pem-file');
    expect(key.text).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(key.text).toBe(audit.signer.publicKeyPem);
    expect(key.headers['aloe-key-id']).toBe(audit.signer.keyId);
  });

  it('exports NDJSON and CSV, each ending in a signed seal', async () => {
    const ndjson = await request(app).get('/v1/audit/export').set(as(COMPLIANCE)).expect(200);
    expect(ndjson.headers['content-type']).toContain('application/x-ndjson');
    const lines = linesOf(ndjson.text).map((line) => JSON.parse(line));
    expect(lines.slice(0, -1).map((row) => row.seq)).toEqual([1, 2, 3, 4]);
    expect(lines.at(-1).seal).toMatchObject({
      type: 'aloe.audit.export.v1',
      filter: {},
      rows: 4,
      checkpoint: { seq: 4, keyId: audit.signer.keyId },
      keyId: audit.signer.keyId,
    });
    const csv = await request(app)
      .get(`/v1/audit/export?format=csv&patient=${pseudonym}`)
      .set(as(COMPLIANCE))
      .expect(200);
    const records = linesOf(csv.text);
    expect(records[0]).toBe(
      'seq,kind,dedupe_key,recorded_at,patient_pseudonym,model_id,verdict,rule_ids,prev_hash,row_hash,payload',
    );
    expect(records).toHaveLength(5);
    expect(records[1]).toContain('"{""note"":""first, \\""quoted\\"", with, commas""}"');
    expect(records[4]).toMatch(/^#seal,,,,,,,,,,"\{""type"":""aloe\.audit\.export\.v1""/);
  });

  it('verifies the log, and names the row altered directly in the database', async () => {
    expect((await request(app).post('/v1/audit/verify').set(as(COMPLIANCE)).expect(200)).body).toMatchObject({
      ok: true,
      rows: 4,
    });
    await db.exec('RESET ROLE'); // the app role may not switch the guard off: a superuser does
    try {
      await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await db.query('UPDATE audit_log SET payload = \'{"n": 99}\' WHERE seq = 3');
      await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      const broken = await request(app).post('/v1/audit/verify').set(as(COMPLIANCE)).expect(200);
      // The verdict names the checkpoint it was checked against (the one the export above signed).
      expect(broken.body).toMatchObject({
        ok: false,
        code: 'row-hash-mismatch',
        firstBrokenSeq: 3,
        checkpoint: { seq: 4, keyId: audit.signer.keyId },
      });
      // Nothing is signed over a log that does not verify: the export answers the verdict instead.
      const refused = await request(app).get('/v1/audit/export').set(as(COMPLIANCE)).expect(409);
      expect(refused.body).toMatchObject({ ok: false, code: 'row-hash-mismatch', firstBrokenSeq: 3 });
    } finally {
      await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await db.query('UPDATE audit_log SET payload = \'{"n": 3}\' WHERE seq = 3');
      await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      await db.exec('SET ROLE aloe_audit_app');
    }
  });

  it.each(['ndjson', 'csv'])(
    'the offline verify command accepts an intact %s export and names the first altered row of a tampered one',
    async (format) => {
      const text = (
        await request(app).get(`/v1/audit/export?format=${format}`).set(as(COMPLIANCE)).expect(200)
      ).text;
      const intact = join(dir, `intact.${format}`);
      await writeFile(intact, text);
      expect(verifyOffline(intact, '--public-key', keyFile)).toMatchObject({
        status: 0,
        output: expect.stringMatching(
          new RegExp(
            `^chain intact: 4 rows, last seq 4; sealed at .* by key ${audit.signer.keyId}; checkpoint seq 4 .*\\(${format}\\)\n$`,
          ),
        ),
      });
      const tampered = join(dir, `tampered.${format}`);
      await writeFile(
        tampered,
        text.replace(
          format === 'csv' ? ',allow,' : '"verdict":"allow"',
          format === 'csv' ? ',block,' : '"verdict":"block"',
        ),
      );
      expect(verifyOffline(tampered, '--public-key', keyFile)).toEqual({
        status: 1,
        output:
          'chain BROKEN at seq 2 [row-hash-mismatch]: the row content does not match its hash (altered) (checked 2 rows)\n',
      });
    },
  );

  it('the offline verify command checks a filtered export, and names a row dropped from it', async () => {
    const text = (
      await request(app)
        .get(`/v1/audit/export?patient=${pseudonym}&verdict=block`)
        .set(as(COMPLIANCE))
        .expect(200)
    ).text;
    const filtered = join(dir, 'filtered.ndjson');
    await writeFile(filtered, text);
    expect(verifyOffline(filtered, '--public-key', keyFile)).toMatchObject({
      status: 0,
      output: expect.stringMatching(/^filtered export intact: 1 rows, last seq 1;/),
    });
    const dropped = join(dir, 'dropped.ndjson');
    await writeFile(dropped, `${linesOf(text).slice(1).join('\n')}\n`);
    expect(verifyOffline(dropped, '--public-key', keyFile)).toEqual({
      status: 1,
      output:
        "export BROKEN [rows-digest-mismatch]: the file's 0 rows are not the 1 the service sealed (rows added, dropped or re-hashed) (checked 0 rows)\n",
    });
  });

  it('the offline verify command needs the public key, and rejects an export checked against another key', async () => {
    const text = (await request(app).get('/v1/audit/export').set(as(COMPLIANCE)).expect(200)).text;
    const file = join(dir, 'export.ndjson');
    await writeFile(file, text);
    expect(verifyOffline(file)).toMatchObject({
      status: 2,
      output: expect.stringMatching(/--public-key is required/),
    });
    // A key given as the base64 of its SPKI DER, the form that fits on a command line.
    const other = generateKeyPairSync('ed25519')
      .publicKey.export({ format: 'der', type: 'spki' })
      .toString('base64');
    expect(verifyOffline(file, '--public-key', other)).toMatchObject({
      status: 1,
      output: expect.stringMatching(/^export BROKEN \[seal-signature-invalid\]: the seal is signed by key /),
    });
  });
});

// Rows of its own in January 2027, appended after the tests above, which count the whole log.
describe('GET /v1/audit/stats', () => {
  const RULES = ['output.interaction', 'output.allergy-conflict', 'input.injection'];
  const VERDICTS = ['allow', 'warn', 'block'];
  const kindOf = (i: number) => (i % 6 === 5 ? 'feedback' : i % 6 === 4 ? 'access' : 'decision');
  const entries = Array.from({ length: 30 }, (_, i) => {
    const kind = kindOf(i);
    const decision = kind === 'decision';
    return {
      kind,
      dedupeKey: randomUUID(),
      recordedAt: `2027-01-${String(1 + i).padStart(2, '0')}T12:00:00.000Z`,
      patientPseudonym: `pseudonym-stats-${i % 4}`,
      modelId: decision ? `model-${i % 3 === 0 ? 'a' : 'b'}@sha256:${i % 3}` : null,
      verdict: decision ? VERDICTS[i % 3]! : null,
      // A decision cites any subset of the rules (bit r of i), so rules overlap within rows.
      ruleIds: decision ? RULES.filter((_, r) => (i >> r) & 1) : [],
      payload: { i },
    } as const;
  });

  /** The counts the endpoint should give, tallied here from the rows appended. */
  function expected(from: string, to: string) {
    const inPeriod = entries.filter((entry) => entry.recordedAt >= from && entry.recordedAt < to);
    const decisions = inPeriod.filter((entry) => entry.kind === 'decision');
    const tally = (keys: (string | null)[]) => {
      const counts: Record<string, number> = {};
      for (const key of keys) counts[String(key)] = (counts[String(key)] ?? 0) + 1;
      return counts;
    };
    return {
      decisions: decisions.length,
      byVerdict: tally(decisions.map((entry) => entry.verdict)),
      byRule: tally(decisions.flatMap((entry) => entry.ruleIds)),
      byModel: tally(decisions.map((entry) => entry.modelId)),
      byKind: tally(inPeriod.map((entry) => entry.kind)),
    };
  }
  type Count = { key: string | null; count: number };
  const asRecord = (counts: Count[]) => Object.fromEntries(counts.map((c) => [String(c.key), c.count]));
  const stats = async (query: string) =>
    (await request(app).get(`/v1/audit/stats${query}`).set(as(COMPLIANCE)).expect(200)).body;

  beforeAll(async () => {
    for (const entry of entries) await audit.append(entry);
  });

  it('counts the decisions of a period by verdict, rule and model, and every row by kind', async () => {
    const body = await stats('?from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z');
    const want = expected('2027-01-01T00:00:00.000Z', '2027-02-01T00:00:00.000Z');
    expect(body.from).toBe('2027-01-01T00:00:00Z');
    expect(body.decisions).toBe(20);
    expect({
      decisions: body.decisions,
      byVerdict: asRecord(body.byVerdict),
      byRule: asRecord(body.byRule),
      byModel: asRecord(body.byModel),
      byKind: asRecord(body.byKind),
    }).toEqual(want);
    expect(asRecord(body.byKind)).toEqual({ decision: 20, access: 5, feedback: 5 });
    // Highest count first, so the charts read from the top.
    for (const list of [body.byVerdict, body.byRule, body.byModel, body.byKind] as Count[][])
      expect(list.map((c) => c.count)).toEqual([...list.map((c) => c.count)].sort((a, b) => b - a));
  });

  it('counts from the start of the period, inclusive, to its end, exclusive', async () => {
    const body = await stats('?from=2027-01-05T12:00:00.000Z&to=2027-01-11T12:00:00.000Z');
    const want = expected('2027-01-05T12:00:00.000Z', '2027-01-11T12:00:00.000Z');
    expect(body.decisions).toBe(4); // days 5…10: i = 4…9, of which 4, 5 are access and feedback
    expect(asRecord(body.byVerdict)).toEqual(want.byVerdict);
    expect(asRecord(body.byRule)).toEqual(want.byRule);
    expect(asRecord(body.byModel)).toEqual(want.byModel);
    expect(asRecord(body.byKind)).toEqual({ decision: 4, access: 1, feedback: 1 });
    // Only an end: everything before it, the first tests' rows of November 2026 included.
    const before = await stats('?to=2027-01-01T00:00:00Z');
    expect(before).toMatchObject({ from: null, decisions: 4, byKind: [{ key: 'decision', count: 4 }] });
    expect(asRecord(before.byModel)).toEqual({ 'aloe-test@sha256:1': 3, 'other@sha256:2': 1 });
    expect((await stats('')).decisions).toBe(24);
    expect(await stats('?from=2030-01-01T00:00:00Z')).toMatchObject({
      decisions: 0,
      byVerdict: [],
      byRule: [],
      byModel: [],
      byKind: [],
    });
  });

  it('is for the compliance role only, and refuses a period that is not a date-time', async () => {
    await request(app).get('/v1/audit/stats').expect(401);
    const clinician = await request(app).get('/v1/audit/stats').set(as(CLINICIAN)).expect(403);
    expect(clinician.body.issue[0].details.text).toMatch(/compliance role only/);
    const bad = await request(app).get('/v1/audit/stats?from=yesterday').set(as(COMPLIANCE)).expect(400);
    expect(bad.body.issue[0].details.text).toMatch(/from/);
  });
});

describe('POST /v1/evaluate', () => {
  it('runs the rails without a model and explains each verdict', async () => {
    const response = await request(app)
      .post('/v1/evaluate')
      .set(as(COMPLIANCE))
      .send({
        context: {
          contextId: randomUUID(),
          trigger: { kind: 'api' },
          patient: { ref: 'Patient/p1', pseudonym: 'pseudonym-evaluate-01', sex: 'male' },
          fhirBase: 'http://ehr/fhir/R4',
          capturedAt: '2026-11-24T08:00:00Z',
          items: [
            { ref: 'AllergyIntolerance/a1', kind: 'allergy', code: { display: 'Penicillin' } },
            {
              ref: 'MedicationRequest/m1',
              kind: 'medication',
              code: { display: 'Amoxicillin 500 MG Oral Capsule' },
              status: 'active',
            },
          ],
          tasks: ['medication-safety'],
        },
        suggestions: [
          {
            id: 's1',
            kind: 'medication-safety',
            title: 'Treat the strep throat',
            text: 'Continue amoxicillin 500 mg.',
            citations: ['MedicationRequest/m1'],
            actions: [{ type: 'continue', medication: 'MedicationRequest/m1', dose: null }],
          },
          {
            id: 's2',
            kind: 'medication-safety',
            title: 'Penicillin allergy',
            text: 'Stop amoxicillin: the patient has a documented penicillin allergy.',
            citations: ['MedicationRequest/m1', 'AllergyIntolerance/a1'],
            actions: [{ type: 'stop', medication: 'MedicationRequest/m1', dose: null }],
          },
        ],
      })
      .expect(200);
    expect(response.body.suggestions[0]).toMatchObject({
      verdict: 'block',
      reasons: [{ ruleId: 'knowledge.allergy.drug', severity: 'critical', itemRef: 'AllergyIntolerance/a1' }],
    });
    expect(response.body.suggestions[1]).toMatchObject({ verdict: 'allow', reasons: [] });
    const bad = await request(app).post('/v1/evaluate').set(as(COMPLIANCE)).send({ context: {} }).expect(400);
    expect(bad.body.resourceType).toBe('OperationOutcome');
  });

  it('answers only a caller with a configured token: a patient chart is not for anyone', async () => {
    const anonymous = await request(app).post('/v1/evaluate').send({ context: {} }).expect(401);
    expect(anonymous.body.issue[0].details.text).toMatch(/Bearer token is required for POST \/v1\/evaluate/);
    await request(app).post('/v1/evaluate').set(as('not-a-token')).send({ context: {} }).expect(401);
  });
});
