// Write-back end to end: a real broker delivers the same suggestion set three times to the adapter as
// main.ts starts it (createService); it writes the set to the sandbox EHR over HTTP; the EHR ends up
// with exactly one set of resources. The flows alone, called directly, for superseding and reviews.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxEhr, FHIR_BASE_PATH, loadBundle, SEED_PATIENTS } from '@aloe/sandbox-ehr';
import { FhirAdapterConfig, loadConfig } from '@aloe/shared/config';
import { UnavailableError } from '@aloe/shared/errors';
import {
  createKafka,
  createTypedProducer,
  type RunningConsumer,
  runConsumer,
  type TypedProducer,
  topicsWithPrefix,
} from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';
import type { AuditEvent, Feedback, SuggestionSet } from '@aloe/shared/schemas';
import { testKafkaBrokers, uniqueName, waitFor } from '@aloe/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Communication, DetectedIssue, Provenance, Resource } from '@medplum/fhirtypes';
import { MemoryCardStore } from '../cards/card-store.js';
import { createService, type FhirAdapterService } from '../create-service.js';
import { createFhirClient, type FhirClient } from '../ehr/fhir-client.js';
import { readEarlierWrites, readSetWrites } from '../ehr/read-aloe-writes.js';
import { submitTransaction } from '../ehr/submit-transaction.js';
import { AIAST } from '../write-back/ai-transparency.js';
import { validationProblems } from '../write-back/validate-resources.js';
import { applyReview } from './apply-review.js';
import { applySuggestions, writeEventId } from './apply-suggestions.js';
import { writeAuditEvents } from './write-audit-events.js';

const logger = createLogger({ service: 'write-back-test', level: 'warn' });
let server: Server;
let fhirBase: string;
let client: FhirClient;
let producer: TypedProducer;
let adapter: FhirAdapterService | undefined;
let reader: RunningConsumer | undefined;

beforeAll(async () => {
  const ehr = createSandboxEhr();
  for (const patient of SEED_PATIENTS) await loadBundle(ehr.router, ehr.repo, patient.bundle);
  server = await new Promise<Server>((resolve) => {
    const listening = ehr.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  fhirBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}${FHIR_BASE_PATH}`;
  client = createFhirClient({ baseUrl: fhirBase });
  producer = createTypedProducer(
    createKafka({ brokers: testKafkaBrokers(), clientId: 'write-back-test' }, logger),
  );
  await producer.connect();
});
afterAll(async () => {
  await reader?.stop();
  await adapter?.close();
  await producer.disconnect();
  await new Promise((resolve) => server.close(resolve));
});

function suggestionSet(): SuggestionSet {
  return {
    setId: randomUUID(),
    contextId: randomUUID(),
    patient: { ref: 'Patient/aloe-poly', pseudonym: 'write-back-test-pseudonym' },
    fhirBase: 'http://127.0.0.1/fhir/R4',
    model: {
      id: 'aloe-test-tiny@sha256:37217638ca54',
      name: 'aloe-test-tiny-llama3 (random weights, TEST MODEL)',
      fileSha256: '37217638ca54d3e341e641a7165c63b7ee733d4369737fbfc9722c5f3b295f39',
      quantization: 'Q8_0',
      chatTemplate: 'Llama3ChatWrapper',
      testModel: true,
      params: { temperature: 0.2 },
    },
    suggestions: [
      {
        id: 'ms-1',
        kind: 'medication-safety',
        title: 'Warfarin with ibuprofen: bleeding risk',
        text: 'INR 3.6 on warfarin with a regular NSAID.',
        citations: [
          'MedicationRequest/aloe-poly-warfarin',
          'MedicationRequest/aloe-poly-ibuprofen',
          'Observation/aloe-poly-inr',
        ],
        verdict: 'warn',
        severity: 'high',
        reasons: [
          {
            ruleId: 'knowledge.interaction.warfarin-nsaids',
            severity: 'warning',
            message: 'warfarin + NSAID',
          },
        ],
      },
      {
        // A chart finding no model suggestion addressed, carried by the rules (not AI).
        id: 'k1',
        kind: 'medication-safety',
        title: 'Allergy: amoxicillin with a recorded penicillin allergy',
        text: 'The chart holds a drug of the class the patient is allergic to. What to do: stop it.',
        citations: ['MedicationRequest/aloe-poly-warfarin'],
        source: 'knowledge',
        findingId: 'k0123456789abcdef0123',
        guideline: {
          label: 'AAAAI/ACAAI drug allergy practice parameter 2022',
          url: 'https://www.aaaai.org/',
        },
        verdict: 'warn',
        severity: 'high',
        reasons: [{ ruleId: 'knowledge.allergy.drug', severity: 'critical', message: 'Allergy' }],
      },
      {
        id: 'cg-1',
        kind: 'care-gap',
        title: 'Blood pressure above target',
        text: 'Systolic 148 mmHg at the last visit.',
        citations: ['Observation/aloe-poly-bp'],
        verdict: 'allow',
        reasons: [],
      },
      {
        id: 'blocked-1',
        kind: 'summary',
        title: 'A blocked suggestion',
        text: 'Must never reach the EHR.',
        citations: ['Condition/aloe-poly-af'],
        verdict: 'block',
        reasons: [{ ruleId: 'output.harmful-content', severity: 'critical', message: 'blocked' }],
      },
    ],
    evidence: [],
    inputFindings: [],
    disclaimer: 'AI-generated suggestion; a clinician must review it.',
    knowledgeCoverage: { rulesVersion: 'clinical-knowledge-test', findings: [] },
    producedAt: '2026-11-24T08:00:00.000Z',
    timingsMs: { total: 900 },
  };
}

async function search<T extends Resource>(query: string): Promise<T[]> {
  const [resourceType, params] = query.split('?') as [string, string];
  const bundle = (await client.search({
    resourceType,
    searchParams: Object.fromEntries(new URLSearchParams(params)),
  })) as unknown as Bundle<T>;
  return (bundle.entry ?? []).map((entry) => entry.resource!);
}

describe('write-back', () => {
  it('writes one set of AI-tagged, valid resources however often the set is delivered, and never a blocked suggestion', async () => {
    // The adapter on topics of its own; its audit events are read off the topic, not written to the EHR.
    const prefix = `${uniqueName('write-back-test')}.`;
    const cards = new MemoryCardStore();
    adapter = await createService(
      loadConfig(FhirAdapterConfig, {
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_TOPIC_PARTITIONS: '1',
        FHIR_ADAPTER_GROUP_ID: uniqueName('fhir-adapter'),
        FHIR_ADAPTER_HTTP_PORT: '0',
        FHIR_ADAPTER_METRICS_PORT: '0',
        FHIR_ADAPTER_FHIR_BASE_URL: fhirBase,
        FHIR_ADAPTER_AUDIT_FHIR_ENABLED: 'false',
      }),
      { logger, cards },
    );
    await adapter.ready;
    const topics = topicsWithPrefix(prefix);
    const audits: AuditEvent[] = [];
    reader = await runConsumer({
      kafka: createKafka({ brokers: testKafkaBrokers(), clientId: 'write-back-audit-reader' }, logger),
      contract: topics.audit,
      groupId: uniqueName('audit-reader'),
      producer,
      logger,
      handle: async (event) => void audits.push(event),
    });
    await reader.joined;
    const metricsUrl = `http://127.0.0.1:${adapter.metricsPort}/metrics`;
    const processed = new RegExp(
      `^aloe_kafka_messages_total\\{[^}]*topic="${topics.suggestions.name.replaceAll('.', '\\.')}",outcome="processed"[^}]*\\} (\\d+)$`,
      'm',
    );
    const handled = async () => Number(processed.exec(await (await fetch(metricsUrl)).text())?.[1] ?? 0);

    const set = suggestionSet();
    for (let delivery = 0; delivery < 3; delivery++) {
      await producer.send(topics.suggestions, [{ key: set.patient.pseudonym, value: set }]);
    }
    await waitFor(async () => (await handled()) === 3, { what: 'three deliveries handled' });

    const issues = await search<DetectedIssue>(
      `DetectedIssue?identifier=urn:aloe:suggestion|${set.contextId}/ms-1`,
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      status: 'preliminary',
      severity: 'high',
      patient: { reference: 'Patient/aloe-poly' },
      implicated: set.suggestions[0]!.citations.map((reference) => ({ reference })),
    });
    const communications = await search(`Communication?identifier=urn:aloe:suggestion|${set.contextId}/cg-1`);
    expect(communications).toHaveLength(1);
    expect(
      await search(`Communication?identifier=urn:aloe:suggestion|${set.contextId}/blocked-1`),
    ).toHaveLength(0);
    expect(
      await search(`DetectedIssue?identifier=urn:aloe:suggestion|${set.contextId}/blocked-1`),
    ).toHaveLength(0);

    const provenances = await search<Provenance>(`Provenance?_tag=urn:aloe:provenance|${set.setId}/model`);
    expect(provenances).toHaveLength(1);
    const devices = await search(`Device?identifier=urn:aloe:model-sha256|${set.model.fileSha256}`);
    expect(devices).toHaveLength(1);
    const provenance = provenances[0]!;
    expect(provenance.target.map((target) => target.reference).sort()).toEqual(
      [`DetectedIssue/${issues[0]!.id}`, `Communication/${communications[0]!.id}`].sort(),
    );
    expect(provenance.agent[0]?.who?.reference).toBe(`Device/${devices[0]!.id}`);
    expect(provenance.entity?.map((entity) => entity.what.reference).sort()).toEqual(
      [
        'MedicationRequest/aloe-poly-warfarin',
        'MedicationRequest/aloe-poly-ibuprofen',
        'Observation/aloe-poly-inr',
        'Observation/aloe-poly-bp',
      ].sort(),
    );
    // AIAST is a security label (meta.security); R4 binds Provenance.reason to PurposeOfUse.
    expect(provenance.reason?.[0]?.coding?.[0]?.code).toBe('TREAT');

    for (const resource of [issues[0]!, communications[0]!, provenance]) {
      expect(resource.meta?.security).toEqual([
        expect.objectContaining({ system: AIAST.system, code: 'AIAST' }),
      ]);
    }
    // The rules' suggestion: its own Device and Provenance, no AI label.
    const [ruleIssue] = await search<DetectedIssue>(
      `DetectedIssue?identifier=urn:aloe:suggestion|${set.contextId}/k1`,
    );
    const [rulesProvenance, ...moreRulesProvenances] = await search<Provenance>(
      `Provenance?_tag=urn:aloe:provenance|${set.setId}/knowledge`,
    );
    const rulesDevices = await search(`Device?identifier=urn:aloe:knowledge-rules|clinical-knowledge-test`);
    expect(moreRulesProvenances).toHaveLength(0);
    expect(rulesDevices).toHaveLength(1);
    expect(ruleIssue!.meta?.security ?? []).toEqual([]);
    expect(ruleIssue!.author?.reference).toBe(`Device/${rulesDevices[0]!.id}`);
    expect(rulesProvenance!.meta?.security ?? []).toEqual([]);
    expect(rulesProvenance!.target.map((target) => target.reference)).toEqual([
      `DetectedIssue/${ruleIssue!.id}`,
    ]);
    for (const resource of [
      issues[0]!,
      communications[0]!,
      provenance,
      devices[0]!,
      ruleIssue!,
      rulesProvenance!,
    ]) {
      expect(validationProblems(resource)).toEqual([]);
    }
    // One write, audited; the deliveries after it found the set in the EHR, wrote nothing and published
    // the write's event again, with the same id (the FHIR audit sink keeps one). The cards are cached.
    await waitFor(() => audits.length === 3, { what: 'the write event of each delivery on the audit topic' });
    expect(audits.map((event) => [event.action, event.eventId])).toEqual(
      Array.from({ length: 3 }, () => ['fhir-write', writeEventId(set.setId)]),
    );
    for (const event of audits) {
      expect(event.resourceRefs).toContain(`DetectedIssue/${issues[0]!.id}`);
      expect(event).toMatchObject({ patientRef: 'Patient/aloe-poly', interactions: ['create'] });
    }
    expect((await cards.latest(set.patient.pseudonym))?.setId).toBe(set.setId);
  });

  it('a write whose audit publish failed is audited on redelivery, once in the EHR, with the id of the set', async () => {
    const set = { ...suggestionSet(), setId: randomUUID(), contextId: randomUUID() };
    const published: AuditEvent[] = [];
    let publishes = 0;
    const apply = () =>
      applySuggestions(set, {
        cards: new MemoryCardStore(),
        submit: (bundle) => submitTransaction(client, bundle),
        readEarlier: (earlierOf) => readEarlierWrites(client, earlierOf),
        // Fake fault (the broker cannot be stopped between the EHR write and the publish for real):
        // the first publish fails, as a send does when the broker is down.
        audit: async (event) => {
          publishes += 1;
          if (publishes === 1) throw new UnavailableError('fake fault: the audit publish failed');
          published.push(event);
        },
        logger,
        now: () => new Date(),
      });

    await expect(apply()).rejects.toThrow('fake fault: the audit publish failed');
    const [issue] = await search<DetectedIssue>(
      `DetectedIssue?identifier=urn:aloe:suggestion|${set.contextId}/ms-1`,
    );
    expect(issue).toBeDefined();
    expect(published).toEqual([]);

    await apply(); // the redelivery: the set is in the EHR already
    await apply(); // and once more (its first publish may have gone through)
    expect(published.map((event) => event.eventId)).toEqual([
      writeEventId(set.setId),
      writeEventId(set.setId),
    ]);
    expect(published[0]).toMatchObject({
      action: 'fhir-write',
      interactions: ['create'],
      correlationId: set.contextId,
      detail: { setId: set.setId },
    });
    expect(published[0]!.resourceRefs).toContain(`DetectedIssue/${issue!.id}`);

    // Through the FHIR audit sink's own write (conditional creates by event id): one AuditEvent.
    const sink = {
      submit: (bundle: Bundle) => submitTransaction(client, bundle),
      logger,
      now: () => new Date(),
    };
    for (const event of published) await writeAuditEvents([event], sink);
    const inEhr = await search(`AuditEvent?_tag=urn:aloe:audit-event|${writeEventId(set.setId)}`);
    expect(inEhr).toHaveLength(1);
  });

  it('a changed chart supersedes what nobody reviewed; a late older set and a withheld set add nothing; drafts are never references', async () => {
    const patient = 'Patient/aloe-ckd';
    const audits: AuditEvent[] = [];
    const apply = (set: SuggestionSet) =>
      applySuggestions(set, {
        cards: new MemoryCardStore(),
        submit: (bundle) => submitTransaction(client, bundle),
        readEarlier: (earlierOf) => readEarlierWrites(client, earlierOf),
        audit: async (event) => void audits.push(event),
        logger,
        now: () => new Date(),
      });
    const chartSet = (producedAt: string, writeBack = { allowed: true }): SuggestionSet => {
      const base = suggestionSet();
      return {
        ...base,
        setId: randomUUID(),
        contextId: randomUUID(),
        patient: { ref: patient, pseudonym: 'superseding-test-pseudonym' },
        producedAt,
        trigger: { kind: 'cds-hook', hook: 'order-sign', hookInstance: 'hook-instance-1' },
        writeBack,
        suggestions: [
          {
            ...base.suggestions[0]!,
            citations: ['MedicationRequest/aloe-ckd-metformin', 'MedicationRequest/aloe-draft-1'],
          },
          base.suggestions[2]!,
        ],
        evidence: [
          { ref: 'MedicationRequest/aloe-ckd-metformin', kind: 'medication', display: 'Metformin 500 MG' },
          {
            ref: 'MedicationRequest/aloe-draft-1',
            kind: 'medication',
            display: 'Ibuprofen 600 MG',
            draft: true,
          },
        ],
      };
    };
    const ofSet = async <T extends Resource>(type: string, set: SuggestionSet) =>
      search<T>(`${type}?_tag=urn:aloe:suggestion-set|${set.setId}`);

    const first = chartSet('2026-11-25T08:00:00.000Z');
    await apply(first);
    const [firstIssue] = await ofSet<DetectedIssue>('DetectedIssue', first);
    const [firstNote] = await ofSet<Communication>('Communication', first);
    // The draft order is the CDS request's, not the chart's: named in words, never referenced.
    expect(firstIssue!.implicated).toEqual([{ reference: 'MedicationRequest/aloe-ckd-metformin' }]);
    expect(firstIssue!.evidence?.[0]?.code?.[0]?.text).toMatch(
      /^Draft order in the order-sign request hook-instance-1 \(not in the chart\): Ibuprofen 600 MG$/,
    );
    const [firstProvenance] = await ofSet<Provenance>('Provenance', first);
    expect(JSON.stringify(firstProvenance)).not.toContain('aloe-draft-1');
    expect(firstNote!.status).toBe('in-progress');

    // The chart changed: the new set's suggestions are written, the first set's are superseded.
    const second = chartSet('2026-11-25T09:00:00.000Z');
    await apply(second);
    const [cancelled] = await ofSet<DetectedIssue>('DetectedIssue', first);
    const [stopped] = await ofSet<Communication>('Communication', first);
    expect(cancelled).toMatchObject({ id: firstIssue!.id, status: 'cancelled' });
    expect(cancelled!.meta?.tag).toContainEqual(
      expect.objectContaining({ system: 'urn:aloe:superseded-by', code: second.setId }),
    );
    expect(stopped).toMatchObject({ id: firstNote!.id, status: 'stopped' });
    expect((await ofSet<DetectedIssue>('DetectedIssue', second))[0]!.status).toBe('preliminary');
    for (const resource of [cancelled!, stopped!]) expect(validationProblems(resource)).toEqual([]);

    // The first set delivered again, late: the EHR holds a newer analysis, so nothing is written.
    const writesBefore = audits.length;
    await apply(first);
    expect(audits).toHaveLength(writesBefore);
    expect((await ofSet<DetectedIssue>('DetectedIssue', first))[0]!.status).toBe('cancelled');
    expect((await ofSet<DetectedIssue>('DetectedIssue', second))[0]!.status).toBe('preliminary');

    // A set the decision withheld from the chart (a deceased patient) writes nothing of its own and
    // supersedes what the last analysis wrote.
    const withheld = chartSet('2026-11-25T10:00:00.000Z', { allowed: false });
    await apply(withheld);
    await apply(withheld);
    expect(await ofSet('DetectedIssue', withheld)).toHaveLength(0);
    expect(await ofSet('Communication', withheld)).toHaveLength(0);
    expect((await ofSet<DetectedIssue>('DetectedIssue', second))[0]!.status).toBe('cancelled');
    const active = await search<DetectedIssue>(`DetectedIssue?patient=${patient}&status=preliminary`);
    expect(active).toHaveLength(0);
  });

  it('an accepted suggestion becomes reviewed with the clinician as its Provenance verifier, once', async () => {
    const base = suggestionSet();
    const set: SuggestionSet = {
      ...base,
      patient: { ref: 'Patient/aloe-child', pseudonym: 'review-test-pseudonym' },
      producedAt: new Date().toISOString(),
    };
    const audits: AuditEvent[] = [];
    const deps = {
      submit: (bundle: Bundle) => submitTransaction(client, bundle),
      audit: async (event: AuditEvent) => void audits.push(event),
      logger,
      newId: randomUUID,
      now: () => new Date(),
    };
    await applySuggestions(set, {
      ...deps,
      cards: new MemoryCardStore(),
      readEarlier: (earlierOf) => readEarlierWrites(client, earlierOf),
    });
    const feedback: Feedback = {
      feedbackId: randomUUID(),
      patientPseudonym: set.patient.pseudonym,
      setId: set.setId,
      suggestionId: 'ms-1',
      source: 'sidebar',
      outcome: 'accepted',
      userRef: 'Practitioner/dr-review',
      outcomeTimestamp: new Date().toISOString(),
    };
    const review = (answer: Feedback) =>
      applyReview(answer, {
        ...deps,
        fhirBase: set.fhirBase,
        readSet: (setId) => readSetWrites(client, setId),
      });
    await review(feedback);
    await review(feedback); // redelivered
    // An override and an answer without a clinician change nothing in the EHR.
    await review({ ...feedback, feedbackId: randomUUID(), suggestionId: 'cg-1', outcome: 'overridden' });
    await review({ ...feedback, feedbackId: randomUUID(), suggestionId: 'cg-1', userRef: undefined });

    const [issue] = await search<DetectedIssue>(
      `DetectedIssue?identifier=urn:aloe:suggestion|${set.contextId}/ms-1`,
    );
    const [note] = await search<Communication>(
      `Communication?identifier=urn:aloe:suggestion|${set.contextId}/cg-1`,
    );
    expect(issue!.status).toBe('final');
    expect(issue!.meta?.versionId).not.toBe('1');
    expect(note!.status).toBe('in-progress');
    const [provenance] = await search<Provenance>(`Provenance?_tag=urn:aloe:provenance|${set.setId}/model`);
    const verifiers = provenance!.agent.filter((agent) => agent.type?.coding?.[0]?.code === 'verifier');
    expect(verifiers.map((agent) => agent.who?.reference)).toEqual(['Practitioner/dr-review']);
    expect(validationProblems(provenance!)).toEqual([]);
    const reviews = audits.filter((event) => event.correlationId === feedback.feedbackId);
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({
      action: 'fhir-write',
      interactions: ['update'],
      patientRef: 'Patient/aloe-child',
      userRef: 'Practitioner/dr-review',
    });
  });
});
