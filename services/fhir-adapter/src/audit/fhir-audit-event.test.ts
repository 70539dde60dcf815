import { describe, expect, it } from '@jest/globals';
import type { AuditEventAgent, AuditEventEntity, AuditEvent as FhirAuditEvent } from '@medplum/fhirtypes';
import { auditEventsOfEachKind } from '../../test/audit-events.js';
import { validationProblems } from '../write-back/validate-resources.js';
import { buildAuditTransaction } from './audit-transaction.js';
import { buildFhirAuditEvent } from './fhir-audit-event.js';

const FHIR_BASE = 'http://127.0.0.1:8080/fhir/R4';
const events = auditEventsOfEachKind(FHIR_BASE);
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const REST = 'http://hl7.org/fhir/restful-interaction';

const code = (coding: { system?: string; code?: string } | undefined) => `${coding?.system}#${coding?.code}`;
const agentOf = (resource: FhirAuditEvent, dcmOrV3Code: string): AuditEventAgent | undefined =>
  resource.agent.find((agent) => agent.type?.coding?.[0]?.code === dcmOrV3Code);
const entitiesOf = (resource: FhirAuditEvent, role: string): AuditEventEntity[] =>
  (resource.entity ?? []).filter((entity) => entity.role?.code === role);
const patientOf = (resource: FhirAuditEvent) => {
  const [patient, ...more] = entitiesOf(resource, '1');
  expect(more).toEqual([]);
  expect(code(patient?.type)).toBe('http://terminology.hl7.org/CodeSystem/audit-entity-type#1');
  return patient?.what;
};
const transactionOf = (resource: FhirAuditEvent) =>
  (resource.entity ?? []).find((entity) => entity.type?.code === 'XrequestId');
const factsOf = (resource: FhirAuditEvent) =>
  Object.fromEntries((transactionOf(resource)?.detail ?? []).map((fact) => [fact.type, fact.valueString]));

describe('an aloe.audit.v1 event as a FHIR R4 AuditEvent (IHE BALP shapes)', () => {
  it('an EHR read is a RESTful search-type and read (action E): the adapter asked, the EHR answered, the patient and each resource read', () => {
    const event = events['fhir-read'];
    const resource = buildFhirAuditEvent(event);
    expect(code(resource.type)).toBe('http://terminology.hl7.org/CodeSystem/audit-event-type#rest');
    expect(resource.subtype?.map(code)).toEqual([`${REST}#read`, `${REST}#search-type`]);
    expect(resource).toMatchObject({ action: 'E', outcome: '0', recorded: event.recordedAt });
    expect(agentOf(resource, '110153')).toMatchObject({
      who: { identifier: { system: 'urn:aloe:service', value: 'fhir-adapter' } },
      requestor: false,
    });
    expect(agentOf(resource, '110152')).toMatchObject({
      who: { identifier: { system: 'urn:ietf:rfc:3986', value: FHIR_BASE } },
      network: { address: FHIR_BASE, type: '5' },
      requestor: false,
    });
    expect(agentOf(resource, 'IRCP')).toMatchObject({
      who: { reference: 'Practitioner/aloe-dr-lee' },
      requestor: true,
    });
    expect(patientOf(resource)).toEqual({ reference: 'Patient/aloe-poly' });
    const read = entitiesOf(resource, '4');
    expect(read.map((entity) => entity.what?.reference)).toEqual([
      'MedicationRequest/aloe-poly-warfarin',
      'MedicationRequest/aloe-poly-ibuprofen',
      'Observation/aloe-poly-inr',
    ]);
    for (const entity of read) expect(entity.lifecycle?.display).toBe('Access / Use');
    expect(transactionOf(resource)?.what?.identifier?.value).toBe(event.correlationId);
    expect(factsOf(resource)).toEqual({ trigger: 'cds-hook', items: '3' });
    expect(resource.source.observer.identifier?.value).toBe('fhir-adapter');
    expect(resource.meta?.tag).toEqual([{ system: 'urn:aloe:audit-event', code: event.eventId }]);
  });

  it('a write-back is a RESTful create (C) and a review a RESTful update (U) with the clinician as author', () => {
    const write = buildFhirAuditEvent(events['fhir-write']);
    expect(write.subtype?.map(code)).toEqual([`${REST}#create`, `${REST}#update`]);
    expect(write.action).toBe('C');
    expect(agentOf(write, '110153')?.requestor).toBe(true); // nobody else asked: the adapter did
    expect(agentOf(write, 'AUT')).toBeUndefined();
    expect(entitiesOf(write, '4').map((entity) => entity.what?.reference)).toEqual(
      events['fhir-write'].resourceRefs,
    );
    const review = buildFhirAuditEvent(events['fhir-write (review)']);
    expect(review.subtype?.map(code)).toEqual([`${REST}#update`]);
    expect(review.action).toBe('U');
    expect(agentOf(review, 'AUT')).toMatchObject({
      who: { reference: 'Practitioner/aloe-dr-lee' },
      requestor: true,
    });
    for (const entity of entitiesOf(review, '4')) expect(entity.lifecycle?.display).toBe('Amendment');
  });

  it('a CDS Hooks call is a DICOM Query (E) from the EHR to the adapter, its request line as the query and never its body', () => {
    const resource = buildFhirAuditEvent(events['cds-hook-call']);
    expect(code(resource.type)).toBe(`${DCM}#110112`);
    expect(resource.subtype?.map(code)).toEqual(['urn:aloe:audit-event-subtype#cds-hooks-service-call']);
    expect(resource.action).toBe('E');
    expect(agentOf(resource, '110153')).toMatchObject({
      who: { identifier: { value: 'https://ehr.hospital.example' } },
      network: { address: FHIR_BASE },
    });
    expect(agentOf(resource, '110152')?.who?.identifier?.value).toBe('fhir-adapter');
    expect(agentOf(resource, 'IRCP')?.who?.reference).toBe('Practitioner/aloe-dr-lee');
    const [query] = entitiesOf(resource, '24');
    expect(Buffer.from(query!.query!, 'base64').toString()).toBe('POST /cds-services/aloe-order-sign');
    expect(query!.description).toBe('CDS Hooks order-sign to the service aloe-order-sign');
    expect(factsOf(resource)).toMatchObject({ hook: 'order-sign', cards: '2', chartRead: 'true' });

    const refused = buildFhirAuditEvent(events['cds-hook-call (failure)']);
    expect(refused).toMatchObject({ outcome: '8', outcomeDesc: 'Failed: FORBIDDEN' });
    expect(agentOf(refused, '110153')?.requestor).toBe(true);
  });

  it('an AI decision originates a record (ISO 21089, C): the guardrails asked the model, known by its GGUF digest; the set and what it cites', () => {
    const event = events['ai-decision'];
    const resource = buildFhirAuditEvent(event);
    expect(code(resource.type)).toBe('http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle#originate');
    expect(resource.subtype?.map(code)).toEqual(['urn:aloe:audit-event-subtype#ai-decision']);
    expect(resource.action).toBe('C');
    expect(agentOf(resource, '110153')?.who?.identifier).toEqual({
      system: 'urn:aloe:service',
      value: 'guardrails',
    });
    expect(agentOf(resource, '110152')?.who).toEqual({
      identifier: { system: 'urn:aloe:model-sha256', value: event.detail.modelSha256 },
      display: event.detail.modelId,
    });
    const [set] = entitiesOf(resource, '3');
    expect(set).toMatchObject({
      what: { identifier: { system: 'urn:aloe:suggestion-set', value: event.detail.setId } },
      lifecycle: { display: 'Origination / Creation' },
    });
    expect(entitiesOf(resource, '4').map((entity) => entity.what?.reference)).toEqual(event.resourceRefs);
    expect(factsOf(resource)).toMatchObject({ verdict: 'warn', blocked: '1' });
    expect(resource.source.observer.identifier?.value).toBe('guardrails');
  });

  it('a clinician answer is a verification (ISO 21089) by the clinician when known; otherwise the patient is named by pseudonym alone', () => {
    const accepted = buildFhirAuditEvent(events['feedback-received']);
    expect(code(accepted.type)).toBe('http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle#verify');
    expect(agentOf(accepted, 'AUT')).toMatchObject({
      who: { reference: 'Practitioner/aloe-dr-lee' },
      requestor: true,
    });
    expect(factsOf(accepted)).toMatchObject({ outcome: 'accepted', suggestionId: 'ms-1' });
    const overridden = buildFhirAuditEvent(events['feedback-received (no clinician)']);
    expect(agentOf(overridden, 'AUT')).toBeUndefined();
    expect(agentOf(overridden, '110152')?.requestor).toBe(true);
    expect(patientOf(overridden)).toEqual({
      identifier: { system: 'urn:aloe:patient-pseudonym', value: 'audit-test-pseudonym-0001' },
    });
  });

  it('every kind is valid FHIR R4, holds no text but codes, references and counts, and leaves out empty facts', () => {
    for (const event of Object.values(events)) {
      const resource = buildFhirAuditEvent(event);
      expect(validationProblems(resource)).toEqual([]);
      expect(resource.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('TREAT');
    }
    const withEmpty = buildFhirAuditEvent({ ...events['fhir-read'], detail: { note: '', items: 0 } });
    expect(factsOf(withEmpty)).toEqual({ items: '0' });
    expect(validationProblems(withEmpty)).toEqual([]);
  });
});

describe('a batch of AuditEvents as one transaction', () => {
  it('is one conditional create per event id, each keyed by its tag, and an event produced twice is sent once', () => {
    const all = Object.values(events);
    const mapped = [...all, all[0]!].map((event) => ({ event, resource: buildFhirAuditEvent(event) }));
    const bundle = buildAuditTransaction(mapped);
    expect(bundle.type).toBe('transaction');
    expect(bundle.entry).toHaveLength(all.length);
    for (const [index, entry] of (bundle.entry ?? []).entries()) {
      const { eventId } = all[index]!;
      expect(entry).toMatchObject({
        fullUrl: `urn:uuid:${eventId}`,
        request: { method: 'POST', url: 'AuditEvent', ifNoneExist: `_tag=urn:aloe:audit-event|${eventId}` },
      });
    }
  });
});
