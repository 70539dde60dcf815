// POST /v1/audit/evidence over HTTP (supertest on createApp) on a real PGlite audit log, migrated as the
// service migrates it: the evidence row joins the chain beside a decision, and the chain still verifies.
import { randomUUID } from 'node:crypto';
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
const RECORDED_AT = new Date('2026-12-01T09:30:00.000Z');
let db: SqlClient;
let audit: AuditStore;
let harm: HarmClassifier;
let app: Express;

beforeAll(async () => {
  ({ db } = await openAuditDatabase({ databaseUrl: 'pglite:memory' }));
  audit = createAuditStore(db);
  await audit.append({
    kind: 'decision',
    dedupeKey: randomUUID(),
    recordedAt: '2026-11-30T10:00:00.000Z',
    patientPseudonym: 'pseudonym-evidence-01',
    modelId: 'aloe-test@sha256:1',
    verdict: 'allow',
    ruleIds: [],
    payload: { n: 1 },
  });
  harm = await loadHarmClassifier(testHarmModelDir());
  app = createApp({
    audit,
    harm,
    complianceTokens: [COMPLIANCE],
    otherTokens: [CLINICIAN],
    logger: createLogger({ service: 'evidence-test', level: 'silent' }),
    ready: async () => true,
    now: () => RECORDED_AT,
  });
});
afterAll(async () => {
  await harm.close();
  await db.close();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const evidence = {
  kind: 'go-live-report',
  files: [
    { name: 'redteam/report.html', sha256: 'a'.repeat(64), bytes: 48_213 },
    { name: 'redteam/report.json', sha256: 'b'.repeat(64), bytes: 9_100 },
  ],
  summary: { modelId: 'aloe-test@sha256:1', attackSuccess: { withRails: 0, withoutRails: 0.25 } },
};

describe('POST /v1/audit/evidence', () => {
  it('appends one evidence row to the chain, once per report, and the chain still verifies', async () => {
    const created = await request(app)
      .post('/v1/audit/evidence')
      .set(as(COMPLIANCE))
      .send(evidence)
      .expect(201);
    expect(created.body).toEqual({
      seq: 2,
      rowHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      duplicate: false,
    });

    const records = await request(app).get('/v1/audit/records?kind=evidence').set(as(COMPLIANCE)).expect(200);
    expect(records.body.records).toEqual([
      expect.objectContaining({
        seq: 2,
        kind: 'evidence',
        recordedAt: RECORDED_AT.toISOString(),
        patientPseudonym: 'none',
        modelId: null,
        verdict: null,
        payload: evidence,
        rowHash: created.body.rowHash,
      }),
    ]);

    // A retried request is the same evidence: recorded once, answered with its row.
    const again = await request(app)
      .post('/v1/audit/evidence')
      .set(as(COMPLIANCE))
      .send(evidence)
      .expect(200);
    expect(again.body).toEqual({ ...created.body, duplicate: true });

    // Exported with the rest of the log, under its seal.
    const exported = await request(app).get('/v1/audit/export?kind=evidence').set(as(COMPLIANCE)).expect(200);
    const lines = exported.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ seq: 2, kind: 'evidence', rowHash: created.body.rowHash });
    expect(lines.at(-1)).toHaveProperty('seal');

    const verdict = await request(app).post('/v1/audit/verify').set(as(COMPLIANCE)).expect(200);
    expect(verdict.body).toMatchObject({ ok: true, rows: 2 });
    const stats = await request(app).get('/v1/audit/stats').set(as(COMPLIANCE)).expect(200);
    expect(stats.body.byKind).toEqual(
      expect.arrayContaining([
        { key: 'decision', count: 1 },
        { key: 'evidence', count: 1 },
      ]),
    );
    expect(stats.body.decisions).toBe(1);
  });

  it('is for the compliance role only: 401 without a token, 403 for another role', async () => {
    const none = await request(app).post('/v1/audit/evidence').send(evidence).expect(401);
    expect(none.body.resourceType).toBe('OperationOutcome');
    await request(app).post('/v1/audit/evidence').set(as(CLINICIAN)).send(evidence).expect(403);
  });

  it.each([
    ['a hash that is not SHA-256 hex', { files: [{ name: 'r.html', sha256: 'XYZ', bytes: 1 }] }, /sha256/],
    [
      'a name that climbs out of the folder',
      { files: [{ name: '../r.html', sha256: 'a'.repeat(64), bytes: 1 }] },
      /name/,
    ],
    ['no files', { files: [] }, /files/],
    ['a summary over 16 KiB', { summary: { text: 'x'.repeat(17_000) } }, /summary/],
    ['another kind', { kind: 'decision' }, /kind/],
  ])('answers 400 with an OperationOutcome for %s', async (_what, change, field) => {
    const bad = await request(app)
      .post('/v1/audit/evidence')
      .set(as(COMPLIANCE))
      .send({ ...evidence, ...change })
      .expect(400);
    expect(bad.body.resourceType).toBe('OperationOutcome');
    expect(bad.body.issue[0].details.text).toMatch(field);
  });
});
