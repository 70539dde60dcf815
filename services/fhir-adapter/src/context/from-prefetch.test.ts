import { describe, expect, it } from '@jest/globals';
import { draftOrders, fromPrefetch } from './from-prefetch.js';

describe('fromPrefetch', () => {
  it('takes the Patient and the searchset entries about that patient, whatever the keys', () => {
    const record = fromPrefetch(
      {
        patientToGreet: { resourceType: 'Patient', id: 'p1' },
        meds: {
          resourceType: 'Bundle',
          type: 'searchset',
          entry: [
            {
              resource: { resourceType: 'MedicationRequest', id: 'm1', subject: { reference: 'Patient/p1' } },
            },
            {
              resource: {
                resourceType: 'MedicationRequest',
                id: 'm2',
                subject: { reference: 'Patient/other' },
              },
            },
          ],
        },
        missing: null,
      },
      'p1',
    );
    expect(record.patient?.id).toBe('p1');
    expect(record.medicationRequests?.map((request) => request.id)).toEqual(['m1']);
    expect(record.conditions).toBeUndefined();
    expect(record.omitted).toEqual([{ type: 'MedicationRequest', reason: 'other-patient', count: 1 }]);
  });

  it('marks an empty searchset as known, so it is not read again', () => {
    const record = fromPrefetch(
      {
        conditions: {
          resourceType: 'Bundle',
          type: 'searchset',
          link: [{ relation: 'self', url: 'Condition?patient=p1' }],
          entry: [],
        },
      },
      'p1',
    );
    expect(record.conditions).toEqual([]);
    expect(record.omitted).toBeUndefined();
  });

  it('counts what it drops: other patients, types it does not read, and what a searchset held back', () => {
    const observation = (id: string, patient = 'p1') => ({
      resource: { resourceType: 'Observation', id, subject: { reference: `Patient/${patient}` } },
    });
    const record = fromPrefetch(
      {
        // Our template's first page: 3 of 40 sent.
        observations: {
          resourceType: 'Bundle',
          type: 'searchset',
          total: 40,
          link: [{ relation: 'self', url: 'https://ehr/fhir/Observation?patient=p1&_count=3' }],
          entry: [observation('o1'), observation('o2'), observation('o3', 'p2')],
        },
        // No total, but a next page: at least one more.
        conditions: {
          resourceType: 'Bundle',
          type: 'searchset',
          link: [{ relation: 'next', url: 'https://ehr/fhir/Condition?patient=p1&_offset=1' }],
          entry: [
            { resource: { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' } } },
          ],
        },
        someoneElse: { resourceType: 'Patient', id: 'p2' },
        immunizations: {
          resourceType: 'Bundle',
          entry: [
            { resource: { resourceType: 'Immunization', id: 'i1' } },
            { resource: { resourceType: 'Immunization', id: 'i2' } },
            { resource: { resourceType: 'not a <type>', id: 'x' } },
          ],
        },
      },
      'p1',
    );
    expect(record.observations?.map((item) => item.id)).toEqual(['o1', 'o2']);
    expect(record.omitted).toEqual([
      { type: 'Condition', reason: 'not-prefetched', count: 1, atLeast: true, bound: 1 },
      { type: 'Immunization', reason: 'unsupported-type', count: 2 },
      { type: 'Observation', reason: 'not-prefetched', count: 37, bound: 3 },
      { type: 'Observation', reason: 'other-patient', count: 1 },
      { type: 'Patient', reason: 'other-patient', count: 1 },
      { type: 'Resource', reason: 'unsupported-type', count: 1 },
    ]);
  });

  it('names at most ten unsupported types, summing the rest', () => {
    const types = Array.from({ length: 15 }, (_, index) => `Unread${String.fromCharCode(65 + index)}`);
    const record = fromPrefetch(
      {
        many: { resourceType: 'Bundle', entry: types.map((type) => ({ resource: { resourceType: type } })) },
      },
      'p1',
    );
    expect(record.omitted).toHaveLength(11);
    expect(record.omitted).toContainEqual({ type: 'Resource', reason: 'unsupported-type', count: 5 });
  });
});

describe('fromPrefetch, tolerant reader', () => {
  it('reads entry wrappers, bare resources, Medications and the IG keys item1…', () => {
    const record = fromPrefetch(
      {
        item1: { response: { status: '200 OK' }, resource: { resourceType: 'Patient', id: 'p1' } },
        item2: { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' } },
        item3: {
          resourceType: 'Bundle',
          entry: [
            { resource: { resourceType: 'Medication', id: 'med1' } },
            { resource: { resourceType: 'CarePlan', id: 'cp1', subject: { reference: 'Patient/p1' } } },
          ],
        },
      },
      'p1',
    );
    expect(record.patient?.id).toBe('p1');
    expect(record.conditions?.map((item) => item.id)).toEqual(['c1']);
    expect(record.medications?.map((item) => item.id)).toEqual(['med1']);
    expect(record.carePlans?.map((item) => item.id)).toEqual(['cp1']);
  });
});

describe('draftOrders', () => {
  it('turns draft MedicationRequests into items and ignores anything else', () => {
    expect(
      draftOrders({
        resourceType: 'Bundle',
        entry: [{ resource: { resourceType: 'ServiceRequest', id: 's' } }],
      }).items,
    ).toEqual([]);
    expect(draftOrders(undefined).items).toEqual([]);
    const drafts = draftOrders({
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'd1',
            status: 'draft',
            medicationCodeableConcept: { text: 'X' },
          },
        },
        {
          resource: {
            resourceType: 'MedicationRequest',
            status: 'draft',
            medicationCodeableConcept: { text: 'Y' },
          },
        },
      ],
    });
    expect(drafts.items).toEqual([
      {
        ref: 'MedicationRequest/d1',
        kind: 'medication',
        code: { display: 'X' },
        codeText: 'X',
        status: 'draft',
      },
      {
        ref: 'MedicationRequest/aloe-draft-2',
        kind: 'medication',
        code: { display: 'Y' },
        codeText: 'Y',
        status: 'draft',
      },
    ]);
    // Only a draft the EHR identified can be deleted by a card's suggestion.
    expect([...drafts.identified]).toEqual(['MedicationRequest/d1']);
  });

  it('resolves a contained Medication', () => {
    const { items } = draftOrders({
      resourceType: 'Bundle',
      entry: [
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'd1',
            status: 'draft',
            contained: [
              {
                resourceType: 'Medication',
                id: 'm',
                code: { coding: [{ system: 'rx', code: '1', display: 'Ketorolac' }] },
              },
            ],
            medicationReference: { reference: '#m' },
          },
        },
      ],
    });
    expect(items[0]).toMatchObject({ code: { code: '1', display: 'Ketorolac' }, codings: [{ code: '1' }] });
  });
});
