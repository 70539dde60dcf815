import { describe, expect, it } from '@jest/globals';
import { draftOrderItems, fromPrefetch } from './from-prefetch.js';

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
  });
});

describe('draftOrderItems', () => {
  it('turns draft MedicationRequests into items and ignores anything else', () => {
    expect(
      draftOrderItems({
        resourceType: 'Bundle',
        entry: [{ resource: { resourceType: 'ServiceRequest', id: 's' } }],
      }),
    ).toEqual([]);
    expect(draftOrderItems(undefined)).toEqual([]);
    expect(
      draftOrderItems({
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
        ],
      }),
    ).toEqual([{ ref: 'MedicationRequest/d1', kind: 'medication', code: { display: 'X' }, status: 'draft' }]);
  });
});
