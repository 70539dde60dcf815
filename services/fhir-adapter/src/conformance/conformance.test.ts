import { describe, expect, it } from '@jest/globals';
import { compareScenario, standsFor } from './compare.js';
import { fillPrefetch } from './ehr-prefetch.js';
import { parseRepaired } from './reference-suites.js';
import { daysSince, rollResource, shiftDate } from './roll-dates.js';

describe('the conformance runner', () => {
  it('repairs the upstream files: stray braces removed, items beside prefetch put back', () => {
    const broken =
      '{ "hook": "order-sign", "prefetch": { "item1": { "resourceType": "Patient", "id": "p" } } },\n "item2": null } }';
    expect(parseRepaired(broken)).toEqual({
      hook: 'order-sign',
      prefetch: { item1: { resourceType: 'Patient', id: 'p' }, item2: null },
    });
    expect(() => parseRepaired('{ "a": ')).toThrow();
  });

  it('rolls every FHIR date of a resource by whole days, leaving codes, meta and extensions', () => {
    expect(shiftDate('2023-05-01', 10)).toBe('2023-05-11');
    expect(shiftDate('2023-05-01T10:00:00-06:00', -1)).toBe('2023-04-30T10:00:00-06:00');
    expect(shiftDate('2160-0', 5)).toBe('2160-0');
    expect(daysSince('2023-05-01', new Date('2023-05-11T23:00:00Z'))).toBe(10);
    const rolled = rollResource(
      {
        resourceType: 'MedicationRequest',
        authoredOn: '2023-05-01',
        dispenseRequest: { validityPeriod: { start: '2023-05-01', end: '2023-08-01' } },
        meta: { lastUpdated: '2021-12-09' },
        extension: [{ url: 'dataDateRoller', valueDateTime: '2023-05-01' }],
        code: { coding: [{ code: '2023-05-01' }] },
      },
      2,
    );
    expect(rolled).toMatchObject({
      authoredOn: '2023-05-03',
      dispenseRequest: { validityPeriod: { start: '2023-05-03', end: '2023-08-03' } },
      meta: { lastUpdated: '2021-12-09' },
      extension: [{ valueDateTime: '2023-05-01' }],
    });
  });

  it('fills the service’s own prefetch keys from a scenario’s resources, as an EHR would', () => {
    const prefetch = fillPrefetch(
      {
        patient: 'Patient/{{context.patientId}}',
        meds: 'MedicationRequest?patient={{context.patientId}}',
        labs: 'Observation?patient={{context.patientId}}',
      },
      {
        item1: {
          resourceType: 'Bundle',
          entry: [{ resource: { resourceType: 'MedicationRequest', id: 'm' } }],
        },
      },
      'p1',
    );
    expect(prefetch.patient).toEqual({ resourceType: 'Patient', id: 'p1' });
    expect(prefetch.meds).toMatchObject({ type: 'searchset', total: 1, entry: [{ resource: { id: 'm' } }] });
    expect(prefetch.labs).toMatchObject({ total: 0, link: [{ url: 'Observation?patient=p1' }] });
  });

  it('judges alert, worst indicator and the recommendation a card stands for', () => {
    const scenario = {
      suite: 'opioid-cds' as const,
      file: 'f',
      hook: 'order-sign',
      request: {},
      topic: 'rec05',
      expected: [{ summary: 's', indicator: 'warning' }],
    };
    expect(
      standsFor({ summary: '', indicator: 'warning', topic: 'knowledge.opioid.rec04-mme' }, 'rec05'),
    ).toBe(true);
    expect(
      compareScenario(scenario, 200, [
        { summary: '', indicator: 'warning', topic: 'knowledge.opioid.rec04-mme' },
      ]).status,
    ).toBe('passed');
    expect(
      compareScenario(scenario, 200, [
        { summary: '', indicator: 'critical', topic: 'knowledge.opioid.rec04-mme' },
      ]).status,
    ).toBe('failed');
    expect(
      compareScenario(scenario, 200, [
        { summary: '', indicator: 'warning', topic: 'knowledge.opioid.rec09-pdmp' },
      ]).status,
    ).toBe('failed');
    expect(compareScenario({ ...scenario, expected: [] }, 200, []).status).toBe('passed');
    expect(compareScenario({ ...scenario, notComputable: 'why' }, 200, []).status).toBe('not-computable');
  });
});
