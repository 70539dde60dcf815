// Triggers end to end, through the adapter as main.ts starts it (createService): the analyze API and a
// real FHIR R4 rest-hook subscription from the sandbox EHR both put a PatientContext on a real Kafka
// topic, with an audit record of the read.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSandboxEhr,
  FHIR_BASE_PATH,
  loadBundle,
  type SandboxEhr,
  SEED_PATIENTS,
} from '@aloe/sandbox-ehr';
import { FhirAdapterConfig, loadConfig } from '@aloe/shared/config';
import {
  createKafka,
  createTypedProducer,
  type RunningConsumer,
  runConsumer,
  type TopicContract,
  type TypedProducer,
  topicsWithPrefix,
} from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';
import type { AuditEvent, PatientContext } from '@aloe/shared/schemas';
import { testKafkaBrokers, uniqueName, waitFor } from '@aloe/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { pseudonymize } from '../context/pseudonymize.js';
import { createService, type FhirAdapterService } from '../create-service.js';

const logger = createLogger({ service: 'triggers-test', level: 'warn' });
const KEY = 'test-pseudonym-key-with-at-least-32-chars';
const TOKEN = 'integration-api-token';
let ehr: SandboxEhr;
let ehrServer: Server;
let adapter: FhirAdapterService;
let adapterUrl: string;
let fhirBase: string;
let producer: TypedProducer;
const readers: RunningConsumer[] = [];
const contexts: PatientContext[] = [];
const audits: AuditEvent[] = [];

beforeAll(async () => {
  ehr = createSandboxEhr();
  for (const patient of SEED_PATIENTS) await loadBundle(ehr.router, ehr.repo, patient.bundle);
  ehrServer = await new Promise<Server>((resolve) => {
    const server = ehr.app.listen(0, '127.0.0.1', () => resolve(server));
  });
  fhirBase = `http://127.0.0.1:${(ehrServer.address() as AddressInfo).port}${FHIR_BASE_PATH}`;

  // Topics of its own: the broker may hold other runs' contexts on the real ones.
  const prefix = `${uniqueName('triggers-test')}.`;
  const config = loadConfig(FhirAdapterConfig, {
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '1',
    FHIR_ADAPTER_GROUP_ID: uniqueName('fhir-adapter'),
    FHIR_ADAPTER_HTTP_PORT: '0',
    FHIR_ADAPTER_METRICS_PORT: '0',
    FHIR_ADAPTER_FHIR_BASE_URL: fhirBase,
    FHIR_ADAPTER_PSEUDONYM_KEY: KEY,
    FHIR_ADAPTER_API_TOKEN: TOKEN,
    // The audit events are read off the topic here; none is written to the EHR as an AuditEvent.
    FHIR_ADAPTER_AUDIT_FHIR_ENABLED: 'false',
  });
  adapter = await createService(config, { logger, now: () => new Date('2026-11-24T08:00:00Z') });
  await adapter.ready;
  adapterUrl = `http://127.0.0.1:${adapter.httpPort}`;

  const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'triggers-test' }, logger);
  producer = createTypedProducer(kafka);
  await producer.connect();
  const topics = topicsWithPrefix(prefix);
  for (const [topic, sink] of [
    [topics.patientContext, contexts],
    [topics.audit, audits],
  ] as const) {
    const reader = await runConsumer({
      kafka,
      contract: topic as TopicContract,
      groupId: uniqueName('reader'),
      producer,
      logger,
      handle: async (value) => void (sink as unknown[]).push(value),
    });
    readers.push(reader);
    await reader.joined;
  }
});
afterAll(async () => {
  await Promise.all(readers.map((reader) => reader.stop()));
  await producer?.disconnect();
  await adapter?.close();
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
