// Triggers end to end: the analyze API and a real FHIR R4 rest-hook subscription from the sandbox EHR
// both put a PatientContext on a real Kafka topic, with an audit record of the read.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSandboxEhr,
  FHIR_BASE_PATH,
  loadBundle,
  type SandboxEhr,
  SEED_PATIENTS,
} from '@aloe/sandbox-ehr';
import {
  createKafka,
  createTypedProducer,
  defineTopic,
  ensureTopics,
  type RunningConsumer,
  runConsumer,
  Topics,
  type TypedProducer,
} from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';
import type { AuditEvent, PatientContext } from '@aloe/shared/schemas';
import { testKafkaBrokers, uniqueName, waitFor } from '@aloe/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kafka } from 'kafkajs';
import request from 'supertest';
import { chartDeps } from '../../test/chart-deps.js';
import { createApp } from '../app.js';
import { MemoryCardStore } from '../cards/card-store.js';
import { pseudonymize } from '../context/pseudonymize.js';
import { createFhirClient } from '../ehr/fhir-client.js';
import { publishContext } from './publish-context.js';

const logger = createLogger({ service: 'triggers-test', level: 'warn' });
const KEY = 'test-pseudonym-key-with-at-least-32-chars';
const TOKEN = 'integration-api-token';
let ehr: SandboxEhr;
let ehrServer: Server;
let adapterServer: Server;
let adapterUrl: string;
let fhirBase: string;
let kafka: Kafka;
let producer: TypedProducer;
const consumers: RunningConsumer[] = [];
const contexts: PatientContext[] = [];
const audits: AuditEvent[] = [];
const listen = (app: { listen: (port: number, host: string, callback: () => void) => Server }) =>
  new Promise<Server>((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });

beforeAll(async () => {
  ehr = createSandboxEhr();
  for (const patient of SEED_PATIENTS) await loadBundle(ehr.router, ehr.repo, patient.bundle);
  ehrServer = await listen(ehr.app);
  fhirBase = `http://127.0.0.1:${(ehrServer.address() as AddressInfo).port}${FHIR_BASE_PATH}`;

  kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'triggers-test' }, logger);
  const contextTopic = defineTopic(
    uniqueName(`test.${Topics.patientContext.name}`),
    Topics.patientContext.schema,
    '1.0',
  );
  const auditTopic = defineTopic(
    uniqueName(`test.${Topics.audit.name}`),
    Topics.audit.schema,
    Topics.audit.schemaVersion,
  );
  await ensureTopics(kafka, [contextTopic, auditTopic], { numPartitions: 1 });
  producer = createTypedProducer(kafka);
  await producer.connect();
  for (const [topic, sink] of [
    [contextTopic, contexts],
    [auditTopic, audits],
  ] as const) {
    const consumer = await runConsumer({
      kafka,
      contract: topic as never,
      groupId: uniqueName('reader'),
      producer,
      logger,
      handle: async (value) => void (sink as unknown[]).push(value),
    });
    consumers.push(consumer);
    await consumer.joined;
  }

  const client = createFhirClient({ baseUrl: fhirBase });
  const app = createApp({
    publicBaseUrl: 'http://127.0.0.1',
    verifyEhrJwt: undefined,
    allowUnauthenticated: false,
    fhirServers: [],
    cards: new MemoryCardStore(),
    sidebarLaunchUrl: undefined,
    pseudonymOf: (patientId) => pseudonymize(KEY, fhirBase, patientId),
    ...chartDeps({ fhirBase }),
    requestAnalysis: async (analysis) => {
      const context = await publishContext(
        {
          capture: {
            client: async () => client,
            fhirBase,
            pseudonymKey: KEY,
            now: () => new Date('2026-11-24T08:00:00Z'),
            newId: randomUUID,
            read: { observationWindowDays: 365, observationLimit: 100, includeNotes: true },
          },
          publish: (value) => producer.send(contextTopic, [{ key: value.patient.pseudonym, value }]),
          audit: (event) =>
            producer.send(auditTopic, [{ key: event.patientPseudonym ?? 'none', value: event }]),
          logger,
        },
        analysis,
      );
      return { contextId: context.contextId };
    },
    publishFeedback: async () => undefined,
    apiToken: TOKEN,
    logger,
    newId: randomUUID,
    ready: async () => true,
  });
  adapterServer = await listen(app);
  adapterUrl = `http://127.0.0.1:${(adapterServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all(consumers.map((consumer) => consumer.stop()));
  await producer.disconnect();
  await new Promise((resolve) => adapterServer.close(resolve));
  await new Promise((resolve) => ehrServer.close(resolve));
});

describe('POST /api/v1/patients/{id}/analyze', () => {
  it('puts the patient context on Kafka, keyed by pseudonym, and audits the read', async () => {
    const response = await request(adapterUrl)
      .post('/api/v1/patients/aloe-poly/analyze')
      .set('authorization', `Bearer ${TOKEN}`)
      .send({ tasks: ['medication-safety'] })
      .expect(202);
    const { contextId } = response.body as { contextId: string };
    const context = await waitFor(() => contexts.find((candidate) => candidate.contextId === contextId), {
      what: 'the context on Kafka',
    });
    expect(context).toMatchObject({
      trigger: { kind: 'api' },
      tasks: ['medication-safety'],
      patient: { ref: 'Patient/aloe-poly', pseudonym: pseudonymize(KEY, fhirBase, 'aloe-poly') },
    });
    expect(context.items.map((item) => item.ref)).toContain('MedicationRequest/aloe-poly-warfarin');
    const audit = await waitFor(() => audits.find((event) => event.correlationId === contextId), {
      what: 'the audit event',
    });
    expect(audit).toMatchObject({
      action: 'fhir-read',
      outcome: 'success',
      source: 'fhir-adapter',
      patientRef: 'Patient/aloe-poly',
      interactions: ['read', 'search-type'],
    });
    expect(audit.resourceRefs).toContain('Patient/aloe-poly');
  });

  it('refuses a caller without the API token, and a bad patient id', async () => {
    const refused = await request(adapterUrl).post('/api/v1/patients/aloe-poly/analyze').send({}).expect(401);
    expect(refused.body.resourceType).toBe('OperationOutcome');
    await request(adapterUrl)
      .post('/api/v1/patients/no%20such!/analyze')
      .set('authorization', `Bearer ${TOKEN}`)
      .send({})
      .expect(400);
    const missing = await request(adapterUrl)
      .post('/api/v1/patients/nobody/analyze')
      .set('authorization', `Bearer ${TOKEN}`)
      .send({})
      .expect(404);
    expect(missing.body.issue[0].details.text).toMatch(/The EHR has no Patient\/nobody/);
  });
});

describe('FHIR R4 Subscription (rest-hook)', () => {
  it('a new in-progress Encounter in the EHR leads to that patient context on Kafka', async () => {
    const subscribe = await fetch(`${fhirBase}/Subscription`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Subscription',
        status: 'active',
        reason: 'Aloe assistant: analyse a patient when a visit starts',
        criteria: 'Encounter?status=in-progress',
        channel: {
          type: 'rest-hook',
          endpoint: `${adapterUrl}/fhir/subscription-notification`,
          payload: 'application/fhir+json',
          header: [`Authorization: Bearer ${TOKEN}`],
        },
      }),
    });
    expect(subscribe.status).toBe(201);
    const before = contexts.length;
    await fetch(`${fhirBase}/Encounter`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify({
        resourceType: 'Encounter',
        status: 'in-progress',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: 'Patient/aloe-ckd' },
      }),
    });
    await ehr.notificationsSettled();
    const context = await waitFor(
      () => contexts.slice(before).find((candidate) => candidate.trigger.kind === 'subscription'),
      { what: 'the subscription-triggered context' },
    );
    expect(context.patient.ref).toBe('Patient/aloe-ckd');
    expect(context.items.map((item) => item.ref)).toContain('MedicationRequest/aloe-ckd-metformin');
  });
});
