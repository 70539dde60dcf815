// The compliance API over HTTP (supertest on createApp) on a real PGlite audit database, and the
// offline verify command over an export.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@aloe/shared/logging';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { testHarmModelDir } from '../../test/harm-model.js';
import { createApp } from '../app.js';
import { type AuditStore, createAuditStore } from '../audit/audit-store.js';
import { openSqlClient, type SqlClient } from '../audit/sql-client.js';
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
  db = await openSqlClient('pglite:memory');
  audit = createAuditStore(db);
  await audit.migrate();
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

describe('export and verify', () => {
  it('exports NDJSON and CSV', async () => {
    const ndjson = await request(app).get('/v1/audit/export').set(as(COMPLIANCE)).expect(200);
    expect(ndjson.headers['content-type']).toContain('application/x-ndjson');
    const rows = ndjson.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4]);
    const csv = await request(app)
      .get(`/v1/audit/export?format=csv&patient=${pseudonym}`)
      .set(as(COMPLIANCE))
      .expect(200);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe(
      'seq,kind,dedupe_key,recorded_at,patient_pseudonym,model_id,verdict,rule_ids,prev_hash,row_hash,payload',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('"{""note"":""first, \\""quoted\\"", with, commas""}"');
  });

  it('verifies the chain, and names the row altered directly in the database', async () => {
    expect((await request(app).post('/v1/audit/verify').set(as(COMPLIANCE)).expect(200)).body).toMatchObject({
      ok: true,
      rows: 4,
    });
    await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await db.query('UPDATE audit_log SET payload = \'{"n": 99}\' WHERE seq = 3');
    await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    const broken = await request(app).post('/v1/audit/verify').set(as(COMPLIANCE)).expect(200);
    expect(broken.body).toMatchObject({ ok: false, firstBrokenSeq: 3 });
    await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await db.query('UPDATE audit_log SET payload = \'{"n": 3}\' WHERE seq = 3');
    await db.exec('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
  });

  it('the offline verify command accepts an intact export and names the first altered row of a tampered one', async () => {
    const ndjson = (await request(app).get('/v1/audit/export').set(as(COMPLIANCE)).expect(200)).text;
    const intact = join(dir, 'intact.ndjson');
    await writeFile(intact, ndjson);
    const ok = execFileSync(process.execPath, ['dist/cli/verify-export.js', intact], { encoding: 'utf8' });
    expect(ok).toMatch(/^chain intact: 4 rows, last seq 4/);

    const tampered = join(dir, 'tampered.ndjson');
    const lines = (await readFile(intact, 'utf8')).trim().split('\n');
    const row = JSON.parse(lines[1]!);
    row.verdict = 'block';
    lines[1] = JSON.stringify(row);
    await writeFile(tampered, `${lines.join('\n')}\n`);
    let output = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['dist/cli/verify-export.js', tampered], { encoding: 'utf8' });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
      status = (error as { status: number }).status;
    }
    expect(status).toBe(1);
    expect(output).toMatch(/^chain BROKEN at seq 2: the row content does not match its hash/);
  });
});

describe('POST /v1/evaluate', () => {
  it('runs the rails without a model and explains each verdict', async () => {
    const response = await request(app)
      .post('/v1/evaluate')
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
    const bad = await request(app).post('/v1/evaluate').send({ context: {} }).expect(400);
    expect(bad.body.resourceType).toBe('OperationOutcome');
  });
});
