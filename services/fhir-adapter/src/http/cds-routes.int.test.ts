// CDS Hooks 2.0 contract tests over HTTP (supertest on createApp): discovery, hook calls built from the
// spec's own examples, feedback, malformed upstream files, and the EHR JWT rules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLogger } from '@aloe/shared/logging';
import type { AuditEvent, Feedback, PatientContext } from '@aloe/shared/schemas';
import { waitFor } from '@aloe/shared/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { chartDeps } from '../../test/chart-deps.js';
import { createEhrSigner, EHR_ISSUER, hmacToken, unsignedToken } from '../../test/ehr-signer.js';
import { openCdsApp } from '../../test/open-cds-app.js';
import { setFor } from '../../test/suggestion-set.js';
import { createApp } from '../app.js';
import { MemoryCardStore } from '../cards/card-store.js';
import { cardUuid } from '../cards/suggestion-to-card.js';
import { memoryReplayStore } from './replay-store.js';
import { createEhrJwtVerifier } from './verify-ehr-jwt.js';

const CDS_DATA = join(process.cwd(), '../../../shared/data/cds-hooks');
const hasData = existsSync(CDS_DATA);
const PUBLIC_URL = 'https://aloe.hospital.example';
const SIDEBAR = 'https://aloe.hospital.example/sidebar/launch';

let app: Express;
let signer: Awaited<ReturnType<typeof createEhrSigner>>;
let jwksServer: Server;
let jku: string;
let cards: MemoryCardStore;
/** Charts the hooks captured and handed to the AI analysis (Kafka in production). */
const analyses: PatientContext[] = [];
const published: Feedback[] = [];

beforeAll(async () => {
  signer = await createEhrSigner();
  jwksServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(signer.jwks));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jku = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  await new Promise((resolve) => jwksServer.close(resolve));
});
beforeEach(() => {
  cards = new MemoryCardStore();
  analyses.length = 0;
  published.length = 0;
  app = createApp(appDeps());
});

function appDeps(): Parameters<typeof createApp>[0] {
  return {
    publicBaseUrl: PUBLIC_URL,
    verifyEhrJwt: createEhrJwtVerifier({ issuers: [EHR_ISSUER], jkuAllowList: [jku], jwks: signer.jwks }),
    allowUnauthenticated: false,
    // The FHIR server the CDS Hooks spec's examples name, as an EHR's own would be configured.
    fhirServers: ['http://hooks.smarthealthit.org:9080'],
    cards,
    sidebarLaunchUrl: SIDEBAR,
    pseudonymOf: (patientId) => `pseudonym-of-${patientId}`,
    ...chartDeps({ published: analyses }),
    requestAnalysis: async () => ({ contextId: '00000000-0000-4000-8000-000000000000' }),
    publishFeedback: async (feedback) => {
      published.push(...feedback);
    },
    apiToken: 'api-token',
    logger: createLogger({ service: 'cds-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    newId: () => crypto.randomUUID(),
    ready: async () => true,
  };
}

const aud = (path: string) => `${PUBLIC_URL}${path}`;
const readJson = (path: string) => JSON.parse(readFileSync(join(CDS_DATA, path), 'utf8'));
const patientView = {
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  hook: 'patient-view',
  context: { userId: 'Practitioner/example', patientId: '1288992' },
};

describe('discovery', () => {
  it('lists the three services in the CDS Hooks 2.0 shape', async () => {
    const response = await request(app)
      .get('/cds-services')
      .set('authorization', `Bearer ${await signer.sign(aud('/cds-services'))}`)
      .expect(200);
    const services = response.body.services as Array<Record<string, unknown>>;
    expect(services.map((service) => service.hook)).toEqual(['patient-view', 'order-select', 'order-sign']);
    for (const service of services) {
      expect(typeof service.id).toBe('string');
      expect(typeof service.description).toBe('string');
      expect(
        Object.values(service.prefetch as object).every((template) =>
          String(template).includes('{{context.patientId}}'),
        ),
      ).toBe(true);
    }
    if (hasData) {
      // The spec's own example has the same required fields.
      const example = readJson('spec-2.x/spec-01-discovery-example.json').services[0];
      for (const field of ['hook', 'id', 'description']) expect(Object.keys(services[0]!)).toContain(field);
      expect(Object.keys(example)).toEqual(expect.arrayContaining(['hook', 'id', 'description']));
    }
  });
});

describe('hook calls', () => {
  const call = async (id: string, body: unknown, status: number) => {
    const token = await signer.sign(aud(`/cds-services/${id}`));
    return request(app)
      .post(`/cds-services/${id}`)
      .set('authorization', `Bearer ${token}`)
      .send(body as object)
      .expect(status);
  };

  it('answers at once with one info card linking to the sidebar when nothing is ready, and starts the analysis', async () => {
    const response = await call('aloe-patient-view', patientView, 200);
    expect(response.body.cards).toHaveLength(1);
    expect(response.body.cards[0]).toMatchObject({
      indicator: 'info',
      links: [{ type: 'smart', url: SIDEBAR }],
    });
    expect(response.body.cards[0].summary.length).toBeLessThan(140);
    await waitFor(() => analyses.length === 1, { timeoutMs: 5_000, what: 'the captured chart' });
    expect(analyses[0]).toMatchObject({
      patient: { ref: 'Patient/1288992' },
      trigger: { kind: 'cds-hook', hook: 'patient-view', userRef: 'Practitioner/example' },
    });
  });

  it('renders a cached set as cards (evidence with dates and values, guardrail label, escaped model text)', async () => {
    const set = setFor('pseudonym-of-1288992');
    const store = new MemoryCardStore();
    await store.put(set);
    const appWithSet = openCdsApp({
      cards: store,
      pseudonym: set.patient.pseudonym,
      sidebarLaunchUrl: SIDEBAR,
    });
    const response = await request(appWithSet)
      .post('/cds-services/aloe-patient-view')
      .send(patientView)
      .expect(200);
    expect(response.body.cards).toHaveLength(1);
    const [card] = response.body.cards;
    expect(card).toMatchObject({
      uuid: cardUuid(set.setId, 's1'),
      summary: 'Warfarin with ibuprofen raises bleeding risk',
      indicator: 'critical',
      source: { label: 'Aloe assistant (AI-generated, TEST MODEL)' },
      links: [{ type: 'smart', url: SIDEBAR }],
    });
    expect(card.detail).toContain('Warfarin 5 MG \\(2026-01-10\\)');
    expect(card.detail).toContain('INR 3.6 \\(2026-11-18\\)');
    expect(card.detail).toContain('**Guardrail: WARN**');
    expect(card.detail).toContain('`output.interaction`');
    expect(card.detail).not.toContain('](javascript:');
    expect(card.overrideReasons.length).toBeGreaterThan(0);
  });

  it('takes the draft orders of order-sign into the analysis, and reports a drug it cannot identify', async () => {
    const draftOrders = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'draft-1',
            status: 'draft',
            intent: 'order',
            subject: { reference: 'Patient/1288992' },
            medicationCodeableConcept: { text: 'Ibuprofen 400 MG' },
          },
        },
      ],
    };
    const response = await call(
      'aloe-order-sign',
      { ...patientView, hook: 'order-sign', context: { ...patientView.context, draftOrders } },
      200,
    );
    // Nothing on the chart to check it against: no cards (CDS Hooks: an empty list is "no advice").
    expect(response.body.cards).toEqual([]);
    await waitFor(() => analyses.length === 1, { timeoutMs: 5_000, what: 'the captured chart' });
    expect(analyses[0]?.items).toEqual([
      {
        ref: 'MedicationRequest/draft-1',
        kind: 'medication',
        code: { display: 'Ibuprofen 400 MG' },
        codeText: 'Ibuprofen 400 MG',
        status: 'draft',
        intent: 'order',
      },
    ]);
    expect(analyses[0]?.tasks).toEqual(['medication-safety']);

    const unknown = structuredClone(draftOrders);
    unknown.entry[0]!.resource.medicationCodeableConcept = { text: 'Zzyzxamab 10 MG' };
    const [card, ...others] = (
      await call(
        'aloe-order-sign',
        { ...patientView, hook: 'order-sign', context: { ...patientView.context, draftOrders: unknown } },
        200,
      )
    ).body.cards;
    expect(others).toEqual([]);
    expect(card).toMatchObject({
      indicator: 'warning',
      source: { topic: { code: 'knowledge.unidentified-medication' } },
    });
    expect(card.summary).toMatch(/Unidentified medication: Zzyzxamab 10 MG/);
  });

  it('uses the prefetched Patient instead of reading it again', async () => {
    if (!hasData) return;
    const example = readJson('spec-2.x/spec-02-example.json');
    await call('aloe-patient-view', example, 200);
    await waitFor(() => analyses.length === 1, { timeoutMs: 5_000, what: 'the captured chart' });
    // The example's Patient is 1288992, born 1925: the age comes from the prefetch (no EHR read).
    expect(analyses[0]?.patient).toMatchObject({ ref: 'Patient/1288992', ageYears: expect.any(Number) });
  });

  it('refuses a hook the service does not answer, and an unknown service', async () => {
    const wrong = await call('aloe-order-select', patientView, 400);
    expect(wrong.body.issue[0].details.text).toMatch(/answers order-select, not patient-view/);
    await call('no-such-service', patientView, 404);
  });

  it('records each call on the audit topic once answered, a refused one too; the EHR never waits for the record', async () => {
    // An audit topic that never answers: the hooks are answered all the same.
    const recorded: AuditEvent[] = [];
    app = createApp({
      ...appDeps(),
      audit: (event) => {
        recorded.push(event);
        return new Promise<void>(() => undefined);
      },
    });
    const answered = await call('aloe-patient-view', patientView, 200);
    expect(answered.body.cards).toHaveLength(1);
    await call('aloe-order-select', patientView, 400);
    // Refused before it was read: no (valid) JWT.
    await request(app).post('/cds-services/aloe-order-sign').send(patientView).expect(401);
    await waitFor(() => recorded.length === 3, { timeoutMs: 5_000, what: 'three audit events' });
    expect(recorded[2]).toMatchObject({
      action: 'cds-hook-call',
      outcome: 'failure',
      detail: { service: 'aloe-order-sign', code: 'UNAUTHORIZED' },
    });
    expect(recorded[2]).not.toHaveProperty('client');
    expect(recorded[0]).toMatchObject({
      source: 'fhir-adapter',
      action: 'cds-hook-call',
      outcome: 'success',
      patientPseudonym: 'pseudonym-of-1288992',
      patientRef: 'Patient/1288992',
      userRef: 'Practitioner/example',
      client: EHR_ISSUER,
      correlationId: patientView.hookInstance,
      detail: { service: 'aloe-patient-view', hook: 'patient-view', cards: 1, findings: 0, chartRead: true },
    });
    expect(recorded[1]).toMatchObject({
      action: 'cds-hook-call',
      outcome: 'failure',
      detail: { service: 'aloe-order-select', hook: 'patient-view', code: 'INVALID_INPUT' },
    });
    // References, codes and counts: nothing of the request's chart.
    expect(recorded[0]!.resourceRefs).toEqual([]);
  });

  const hookLibrary = hasData
    ? readdirSync(join(CDS_DATA, 'hook-library')).filter((file) =>
        /^(patient-view|order-select|order-sign).*r4\.json$/.test(file),
      )
    : [];
  (hookLibrary.length > 0 ? it.each(hookLibrary) : it.skip.each(['(../shared/data absent)']))(
    'accepts the hook library context %s in the spec envelope',
    async (file) => {
      const context = readJson(`hook-library/${file}`);
      const hook = file.startsWith('patient-view')
        ? 'patient-view'
        : file.startsWith('order-select')
          ? 'order-select'
          : 'order-sign';
      const envelope = {
        ...readJson('spec-2.x/spec-02-example.json'),
        hook,
        context: context.context ?? context,
      };
      const response = await call(`aloe-${hook}`, envelope, 200);
      expect(Array.isArray(response.body.cards)).toBe(true);
    },
  );

  const malformed = hasData
    ? (readJson('opioid-cds-r4/parse-status.json') as Array<{ file: string; status: string }>)
        .filter((entry) => entry.status.startsWith('invalid'))
        .slice(0, 10)
        .map((entry) => entry.file)
    : [];
  (malformed.length > 0 ? it.each(malformed) : it.skip.each(['(../shared/data absent)']))(
    'answers 400 with an OperationOutcome, not a crash, for the malformed upstream file %s',
    async (file) => {
      const raw = readFileSync(join(CDS_DATA, 'opioid-cds-r4', file), 'utf8');
      const response = await request(app)
        .post('/cds-services/aloe-order-sign')
        .set('authorization', `Bearer ${await signer.sign(aud('/cds-services/aloe-order-sign'))}`)
        .set('content-type', 'application/json')
        .send(raw)
        .expect(400);
      expect(response.headers['content-type']).toContain('application/fhir+json');
      expect(response.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'invalid' }] });
      expect(response.body.issue[0].details.text).toMatch(/not valid JSON/);
    },
  );
});

describe('feedback', () => {
  it('publishes accepted and overridden outcomes for cards it knows, mapped to their suggestion', async () => {
    const set = setFor('pseudonym-of-1288992');
    await cards.put(set);
    const card = cardUuid(set.setId, 's1');
    const path = '/cds-services/aloe-patient-view/feedback';
    const body = {
      feedback: [
        {
          card,
          outcome: 'overridden',
          outcomeTimestamp: '2026-11-24T08:05:00Z',
          overrideReason: {
            reason: {
              system: 'urn:aloe:override-reason',
              code: 'already-addressed',
              display: 'Already addressed',
            },
            userComment: 'PHI here?',
          },
        },
        {
          card: 'unknown-card',
          outcome: 'accepted',
          outcomeTimestamp: '2026-11-24T08:05:00Z',
          acceptedSuggestions: [{ id: 'x' }],
        },
      ],
    };
    const response = await request(app)
      .post(path)
      .set('authorization', `Bearer ${await signer.sign(aud(path))}`)
      .send(body)
      .expect(200);
    expect(response.body).toEqual({ accepted: 1, unknownCards: 1 });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      patientPseudonym: set.patient.pseudonym,
      suggestionId: 's1',
      cardId: card,
      source: 'cds-hooks',
      outcome: 'overridden',
      overrideReason: { code: 'already-addressed' },
    });
    // The free-text comment may hold PHI: it is not forwarded.
    expect(JSON.stringify(published)).not.toContain('PHI here?');
  });

  it('refuses a feedback body that is not CDS Hooks feedback', async () => {
    const path = '/cds-services/aloe-patient-view/feedback';
    const response = await request(app)
      .post(path)
      .set('authorization', `Bearer ${await signer.sign(aud(path))}`)
      .send({ feedback: [] })
      .expect(400);
    expect(response.body.resourceType).toBe('OperationOutcome');
  });
});

describe('EHR JWT', () => {
  const path = '/cds-services/aloe-patient-view';
  const post = (authorization: string | undefined) => {
    const pending = request(app).post(path).send(patientView);
    return authorization ? pending.set('authorization', authorization) : pending;
  };
  const refusedWith = async (authorization: string | undefined, message: RegExp) => {
    const response = await post(authorization).expect(401);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(response.body.issue[0].details.text).toMatch(message);
    expect(analyses).toHaveLength(0);
  };

  it('accepts ES384 and RS384 with configured keys, and a key from an allow-listed jku', async () => {
    await post(`Bearer ${await signer.sign(aud(path), { alg: 'ES384' })}`).expect(200);
    await post(`Bearer ${await signer.sign(aud(path), { alg: 'RS384' })}`).expect(200);
    await post(`Bearer ${await signer.sign(aud(path), { jku })}`).expect(200);
  });

  it('refuses a missing token', () => refusedWith(undefined, /Bearer JWT from the EHR is required/));
  it('refuses alg none', () => refusedWith(`Bearer ${unsignedToken(aud(path))}`, /alg none is not allowed/));
  it('refuses HS256', async () =>
    refusedWith(`Bearer ${await hmacToken(aud(path))}`, /alg HS256 is not allowed/));
  it('refuses an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    await refusedWith(
      `Bearer ${await signer.sign(aud(path), { iatSeconds: past - 60, expSeconds: past })}`,
      /expired|too old/,
    );
  });
  it('refuses a token for another URL (aud)', async () =>
    refusedWith(
      `Bearer ${await signer.sign(aud('/cds-services/other'))}`,
      /aud is not the URL that was called/,
    ));
  it('refuses a replayed jti', async () => {
    const token = await signer.sign(aud(path), { jti: 'once-only' });
    await post(`Bearer ${token}`).expect(200);
    analyses.length = 0;
    const again = await signer.sign(aud(path), { jti: 'once-only' });
    await refusedWith(`Bearer ${again}`, /already used/);
  });
  it('refuses an unknown kid', async () =>
    refusedWith(`Bearer ${await signer.sign(aud(path), { kid: 'rotated-away' })}`, /no key matches/));
  it('refuses an issuer not on the allow-list', async () =>
    refusedWith(
      `Bearer ${await signer.sign(aud(path), { iss: 'https://evil.example/' })}`,
      /iss is not an allow-listed EHR/,
    ));
  it('refuses a jku not on the allow-list', async () =>
    refusedWith(
      `Bearer ${await signer.sign(aud(path), { jku: 'https://evil.example/jwks.json' })}`,
      /not on the allow-list/,
    ));
  it('refuses a token without sub (the CDS client id)', async () =>
    refusedWith(`Bearer ${await signer.sign(aud(path), { sub: null })}`, /no sub/));
  it('refuses a header without typ JWT, or with another typ', async () => {
    await refusedWith(`Bearer ${await signer.sign(aud(path), { typ: null })}`, /typ must be JWT/);
    await refusedWith(`Bearer ${await signer.sign(aud(path), { typ: 'at+jwt' })}`, /typ must be JWT/);
  });
  it('refuses a call about another FHIR server, and a tenant not served', async () => {
    app = createApp({
      ...appDeps(),
      verifyEhrJwt: createEhrJwtVerifier({
        issuers: [EHR_ISSUER],
        jkuAllowList: [jku],
        jwks: signer.jwks,
        tenants: ['tenant-1'],
      }),
      fhirServers: ['https://ehr.example.org/fhir/'],
    });
    const call = async (body: object, tenant?: string) =>
      request(app)
        .post(path)
        .set('authorization', `Bearer ${await signer.sign(aud(path), tenant ? { tenant } : {})}`)
        .send(body);
    expect((await call({ ...patientView, fhirServer: 'https://ehr.example.org/fhir' })).status).toBe(200);
    expect((await call(patientView)).status).toBe(200);
    analyses.length = 0;
    const otherServer = await call({ ...patientView, fhirServer: 'https://other-ehr.example/fhir' });
    expect(otherServer.status).toBe(403);
    expect(otherServer.body.issue[0].details.text).toMatch(/fhirServer is not the EHR this service reads/);
    const otherTenant = await call(patientView, 'tenant-2');
    expect(otherTenant.status).toBe(403);
    expect(otherTenant.body.issue[0].details.text).toMatch(/tenant tenant-2 is not one this service serves/);
    expect(analyses).toHaveLength(0);
  });
  it('refuses a jti replayed to another replica when the replicas share the replay store', async () => {
    const shared = memoryReplayStore();
    const replica = () =>
      createApp({
        ...appDeps(),
        verifyEhrJwt: createEhrJwtVerifier(
          { issuers: [EHR_ISSUER], jkuAllowList: [jku], jwks: signer.jwks },
          { replay: shared },
        ),
      });
    const token = await signer.sign(aud(path));
    await request(replica()).post(path).set('authorization', `Bearer ${token}`).send(patientView).expect(200);
    const replayed = await request(replica())
      .post(path)
      .set('authorization', `Bearer ${token}`)
      .send(patientView)
      .expect(401);
    expect(replayed.body.issue[0].details.text).toMatch(/already used/);
  });
});
