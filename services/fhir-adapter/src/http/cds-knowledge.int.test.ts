// CDS Hooks calls answered from the clinical rules in the call, against the sandbox EHR over HTTP:
// drafts checked against what the EHR holds, prefetch read tolerantly, medicationReference resolved,
// stable card uuids and feedback that names the rule.
import { fhirBuilders as fhir } from '@aloe/sandbox-ehr';
import { createLogger } from '@aloe/shared/logging';
import type { Feedback, PatientContext } from '@aloe/shared/schemas';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Bundle, Medication, MedicationRequest } from '@medplum/fhirtypes';
import type { Express } from 'express';
import request from 'supertest';
import { chartDeps, startSandboxEhr, TEST_PSEUDONYM_KEY } from '../../test/chart-deps.js';
import { createApp } from '../app.js';
import { MemoryCardStore } from '../cards/card-store.js';
import { pseudonymize } from '../context/pseudonymize.js';

const NOW = new Date('2026-11-24T08:00:00Z');
const SIDEBAR = 'https://aloe.hospital.example/sidebar/launch';
const patient = fhir.patient('kn-allergic', 'Test', 'Allergic', 'male', '1960-02-01');
const referenced = fhir.patient('kn-by-reference', 'Test', 'Referenced', 'male', '1960-02-01');
const penicillin = { system: fhir.SNOMED, code: '91936005', display: 'Allergy to penicillin' };
const augmentin: Medication = {
  resourceType: 'Medication',
  id: 'kn-augmentin',
  code: {
    coding: [
      { system: fhir.RXNORM, code: '562251', display: 'Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet' },
    ],
  },
};
const byReference: MedicationRequest = {
  resourceType: 'MedicationRequest',
  id: 'kn-ref-request',
  status: 'active',
  intent: 'order',
  subject: fhir.ref(referenced),
  medicationReference: { reference: 'Medication/kn-augmentin' },
  authoredOn: '2026-11-01',
};
const byConcept = fhir.medicationRequest(
  'kn-concept-request',
  patient,
  '562251',
  'Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet',
  { text: '1 tablet three times daily', value: 1, unit: 'tablet', perDay: 3 },
  '2026-11-01',
);
const seed: Bundle[] = [
  fhir.transaction([
    patient,
    fhir.allergy('kn-allergy', patient, penicillin, 'high', 'Anaphylaxis'),
    byConcept,
    referenced,
    fhir.allergy('kn-allergy-2', referenced, penicillin, 'high', 'Anaphylaxis'),
    augmentin,
    byReference,
  ]),
];

let ehr: Awaited<ReturnType<typeof startSandboxEhr>>;
let app: Express;
let cards: MemoryCardStore;
const captured: PatientContext[] = [];
const feedback: Feedback[] = [];

beforeAll(async () => {
  ehr = await startSandboxEhr(seed);
});
afterAll(() => ehr.close());
beforeEach(() => {
  captured.length = 0;
  feedback.length = 0;
  cards = new MemoryCardStore();
  app = appFor(ehr.fhirBase);
});

function appFor(fhirBase: string): Express {
  return createApp({
    publicBaseUrl: 'https://aloe.hospital.example',
    verifyEhrJwt: undefined,
    allowUnauthenticated: true,
    fhirServers: [],
    cards,
    sidebarLaunchUrl: SIDEBAR,
    pseudonymOf: (id) => pseudonymize(TEST_PSEUDONYM_KEY, fhirBase, id),
    ...chartDeps({ fhirBase, now: () => NOW, published: captured }),
    requestAnalysis: async () => ({ contextId: 'unused' }),
    publishFeedback: async (items) => void feedback.push(...items),
    apiToken: undefined,
    logger: createLogger({ service: 'cds-knowledge-test', level: 'silent' }),
    newId: () => crypto.randomUUID(),
    ready: async () => true,
  });
}

const draft = (id: string | undefined, rxnorm: string, display: string): MedicationRequest => ({
  resourceType: 'MedicationRequest',
  ...(id ? { id } : {}),
  status: 'draft',
  intent: 'order',
  subject: { reference: `Patient/${patient.id}` },
  medicationCodeableConcept: { coding: [{ system: fhir.RXNORM, code: rxnorm, display }], text: display },
});
const orderSign = (patientId: string, drafts: MedicationRequest[], prefetch?: Record<string, unknown>) => ({
  hook: 'order-sign',
  hookInstance: crypto.randomUUID(),
  context: {
    userId: 'Practitioner/example',
    patientId,
    draftOrders: {
      resourceType: 'Bundle',
      type: 'collection',
      entry: drafts.map((resource) => ({ resource })),
    },
  },
  ...(prefetch ? { prefetch } : {}),
});
const post = (hook: string, body: unknown) =>
  request(app)
    .post(`/cds-services/aloe-${hook}`)
    .send(body as object)
    .expect(200);

describe('order-sign checks the draft orders against the chart in the call', () => {
  it('a draft that conflicts with a recorded allergy gets a critical card with a delete-the-draft suggestion', async () => {
    const response = await post(
      'order-sign',
      orderSign(patient.id!, [draft('kn-draft-1', '308192', 'Amoxicillin 500 MG Oral Tablet')]),
    );
    const [card, ...others] = response.body.cards;
    expect(others).toEqual([]);
    expect(card).toMatchObject({
      indicator: 'critical',
      source: { topic: { system: 'urn:aloe:knowledge-rule', code: 'knowledge.allergy.drug' } },
      selectionBehavior: 'any',
      suggestions: [
        {
          label: 'Cancel the amoxicillin order',
          actions: [{ type: 'delete', resourceId: ['MedicationRequest/kn-draft-1'] }],
        },
      ],
      links: [{ type: 'smart', url: SIDEBAR }],
    });
    expect(card.source.label).toMatch(/^Aloe clinical rules \(not AI\)/);
    expect(card.summary.length).toBeLessThanOrEqual(140);
    expect(card.detail).toContain('Allergy to penicillin');
    expect(card.detail).toContain('`AllergyIntolerance/kn-allergy`');
    expect(card.detail).toContain('`MedicationRequest/kn-draft-1`');
    expect(card.overrideReasons.length).toBeGreaterThan(0);
  });

  it('accepts patientId written Patient/<id>, and offers no delete for a draft without an id', async () => {
    const response = await post(
      'order-sign',
      orderSign(`Patient/${patient.id}`, [draft(undefined, '308192', 'Amoxicillin 500 MG Oral Tablet')]),
    );
    expect(response.body.cards).toHaveLength(1);
    expect(response.body.cards[0].indicator).toBe('critical');
    expect(response.body.cards[0].suggestions).toBeUndefined();
  });

  it('gives the same card uuid for the same finding on the same chart, and feedback names the rule', async () => {
    const body = () =>
      orderSign(patient.id!, [draft('kn-draft-2', '308192', 'Amoxicillin 500 MG Oral Tablet')]);
    const first = (await post('order-sign', body())).body.cards[0];
    const second = (await post('order-sign', body())).body.cards[0];
    expect(second.uuid).toBe(first.uuid);
    await request(app)
      .post('/cds-services/aloe-order-sign/feedback')
      .send({
        feedback: [
          {
            card: first.uuid,
            outcome: 'overridden',
            outcomeTimestamp: NOW.toISOString(),
            overrideReason: { reason: first.overrideReasons[0] },
          },
        ],
      })
      .expect(200, { accepted: 1, unknownCards: 0 });
    expect(feedback[0]).toMatchObject({
      patientPseudonym: pseudonymize(TEST_PSEUDONYM_KEY, ehr.fhirBase, patient.id!),
      ruleId: 'knowledge.allergy.drug',
      cardId: first.uuid,
      outcome: 'overridden',
    });
  });

  it('reads what a partial prefetch under unexpected keys lacks from the EHR', async () => {
    // The prefetch sends only the Patient (under the IG's key item1); the allergy is read from the EHR.
    const response = await post(
      'order-sign',
      orderSign(patient.id!, [draft('kn-draft-3', '308192', 'Amoxicillin 500 MG Oral Tablet')], {
        item1: patient,
      }),
    );
    expect(response.body.cards.map((card: { indicator: string }) => card.indicator)).toEqual(['critical']);
  });

  it('with the EHR down, checks what the prefetch holds and says the rest was not read', async () => {
    app = appFor('http://127.0.0.1:9/fhir/R4');
    const allergies = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: fhir.allergy('kn-allergy', patient, penicillin, 'high', 'Anaphylaxis') }],
    };
    const response = await post(
      'order-sign',
      orderSign(patient.id!, [draft('kn-draft-4', '308192', 'Amoxicillin 500 MG Oral Tablet')], {
        patient,
        allergies,
      }),
    );
    expect(response.body.cards.map((card: { indicator: string }) => card.indicator)).toEqual([
      'critical',
      'info',
    ]);
    expect(response.body.cards[1].summary).toMatch(/could not read the chart/);
    expect(captured).toEqual([]);
  });
});

describe('patient-view', () => {
  it('shows the chart findings at once beside the AI card, and evaluates medicationReference like a coded drug', async () => {
    const viewOf = async (patientId: string) =>
      (
        await post('patient-view', {
          hook: 'patient-view',
          hookInstance: crypto.randomUUID(),
          context: { patientId },
        })
      ).body.cards as Array<{ indicator: string; summary: string; source: { topic?: { code: string } } }>;
    const coded = await viewOf(patient.id!);
    const viaReference = await viewOf(referenced.id!);
    const knowledge = (cardsOf: typeof coded) =>
      cardsOf
        .filter((card) => card.source.topic?.code.startsWith('knowledge.'))
        .map((card) => [card.source.topic!.code, card.indicator]);
    expect(knowledge(coded)).toEqual([['knowledge.allergy.drug', 'critical']]);
    expect(knowledge(viaReference)).toEqual(knowledge(coded));
    // The AI's set is not ready: its "reviewing" card follows the rules' cards.
    expect(coded.at(-1)!.summary).toMatch(/Aloe is reviewing this chart/);
    const report = await cards.latestKnowledge(
      pseudonymize(TEST_PSEUDONYM_KEY, ehr.fhirBase, referenced.id!),
    );
    expect(report!.evidence.find((item) => item.ref === 'MedicationRequest/kn-ref-request')).toMatchObject({
      display: 'Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet',
    });
    const context = captured.find((item) => item.patient.ref === `Patient/${referenced.id}`)!;
    expect(context.items.find((item) => item.kind === 'medication')).toMatchObject({
      medicationRef: 'Medication/kn-augmentin',
      codings: [{ code: '562251' }],
    });
  });
});
