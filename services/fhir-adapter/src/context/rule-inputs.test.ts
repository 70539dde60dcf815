// What the clinical rules need from a FHIR record survives normalisation: every coding, resolved
// medicationReference, structured dose, supply, lab codes and units, encounters, procedures, care plans.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildChart, dailyMme } from '@aloe/clinical-knowledge';
import { describe, expect, it } from '@jest/globals';
import type { Bundle, MedicationRequest, Resource } from '@medplum/fhirtypes';
import { medicationRequestItem } from './medication-items.js';
import { normalizePatientContext } from './normalize-patient-context.js';
import { emptyRecord, type PatientRecord } from './patient-record.js';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const empty = emptyRecord({ resourceType: 'Patient', id: 'p1', birthDate: '1970-01-01', gender: 'male' });
const options = {
  contextId: '7d3e9e89-dd39-478c-b2f4-97083fe7d1b2',
  pseudonym: 'pseudonym-0000000001',
  fhirBase: 'http://ehr/fhir/R4',
  capturedAt: new Date('2026-11-24T08:00:00Z'),
  trigger: { kind: 'api' as const },
  tasks: ['medication-safety' as const],
};
const request = (fields: Partial<MedicationRequest>): MedicationRequest => ({
  resourceType: 'MedicationRequest',
  id: 'r1',
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  ...fields,
});

describe('medications for the rules', () => {
  it('keeps every coding, the dose range, rate, frequencyMax, route, as-needed and the supply', () => {
    const item = medicationRequestItem(
      request({
        medicationCodeableConcept: {
          coding: [
            { system: 'urn:local', code: 'L1', display: 'local' },
            { system: RXNORM, code: '836397', display: 'tramadol 37.5 / APAP 325' },
          ],
          text: 'Ultracet',
        },
        category: [{ coding: [{ code: 'community' }] }],
        dosageInstruction: [
          {
            timing: { repeat: { frequency: 1, frequencyMax: 2, period: 4, periodUnit: 'h' } },
            asNeededBoolean: true,
            route: { coding: [{ code: '26643006', display: 'Oral route' }] },
            doseAndRate: [
              { doseRange: { low: { value: 1, unit: 'tablet' }, high: { value: 2, unit: 'tablet' } } },
            ],
          },
        ],
        dispenseRequest: {
          expectedSupplyDuration: { value: 2, unit: 'weeks', code: 'wk' },
          quantity: { value: 60, unit: 'tablet' },
          numberOfRepeatsAllowed: 1,
          validityPeriod: { start: '2026-11-01', end: '2027-02-01' },
        },
      }),
    );
    expect(item).toMatchObject({
      code: { system: RXNORM, code: '836397' },
      codings: [{ code: 'L1' }, { code: '836397' }],
      codeText: 'Ultracet',
      category: 'community',
      dose: {
        range: { low: { value: 1 }, high: { value: 2 } },
        frequencyPerDay: 12,
        route: 'Oral route',
        asNeeded: true,
      },
      supply: {
        days: 14,
        quantity: { value: 60 },
        refills: 1,
        validity: { start: '2026-11-01', end: '2027-02-01' },
      },
    });
  });

  it('takes the "ordered" dose of several, timeOfDay when there is no frequency, and Epic\'s ordered-dose extension', () => {
    const typed = medicationRequestItem(
      request({
        dosageInstruction: [
          {
            timing: { repeat: { timeOfDay: ['08:00:00', '20:00:00'] } },
            doseAndRate: [
              { type: { text: 'calculated' }, doseQuantity: { value: 99, unit: 'mg' } },
              { type: { text: 'ordered' }, doseQuantity: { value: 10, unit: 'mg' } },
            ],
          },
        ],
      }),
    );
    expect(typed.dose).toMatchObject({ quantity: { value: 10 }, frequencyPerDay: 2 });
    const epic = medicationRequestItem(
      request({
        dosageInstruction: [
          {
            extension: [
              {
                url: 'https://open.epic.com/fhir/extensions/ordered-dose',
                valueQuantity: { value: 20, unit: 'mg', code: 'mg' },
              },
            ],
            timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
          },
        ],
      }),
    );
    expect(epic.dose?.quantity).toEqual({ value: 20, unit: 'mg' });
  });

  it('resolves medicationReference to a referenced Medication, and keeps an unresolved one as an item', () => {
    const medications = new Map([
      [
        'Medication/m1',
        {
          resourceType: 'Medication' as const,
          id: 'm1',
          code: { coding: [{ system: RXNORM, code: '197696' }] },
        },
      ],
    ]);
    expect(
      medicationRequestItem(request({ medicationReference: { reference: 'Medication/m1' } }), medications),
    ).toMatchObject({
      medicationRef: 'Medication/m1',
      codings: [{ code: '197696' }],
    });
    expect(
      medicationRequestItem(
        request({ medicationReference: { reference: 'https://ehr/fhir/Medication/m1' } }),
        medications,
      ).codings,
    ).toEqual([{ system: RXNORM, code: '197696' }]);
    const gone = medicationRequestItem(
      request({ medicationReference: { reference: 'Medication/gone' } }),
      medications,
    );
    expect(gone).toEqual({
      ref: 'MedicationRequest/r1',
      kind: 'medication',
      medicationRef: 'Medication/gone',
      status: 'active',
      intent: 'order',
    });
  });
});

describe('other resources the rules read', () => {
  it('keeps encounters with their class and discharge, procedures, care plans, lab interpretations and STU3 conditions', () => {
    const record: PatientRecord = {
      ...empty,
      encounters: [
        {
          resourceType: 'Encounter',
          id: 'e1',
          status: 'finished',
          class: { code: 'IMP' },
          subject: { reference: 'Patient/p1' },
          period: { start: '2026-10-01', end: '2026-10-05' },
          hospitalization: { dischargeDisposition: { coding: [{ code: 'hosp', display: 'Hospice' }] } },
        },
      ],
      procedures: [
        {
          resourceType: 'Procedure',
          id: 'pr1',
          status: 'completed',
          subject: { reference: 'Patient/p1' },
          code: { coding: [{ system: 'http://snomed.info/sct', code: '461621000124108' }] },
          performedPeriod: { start: '2026-11-01' },
        },
      ],
      carePlans: [
        {
          resourceType: 'CarePlan',
          id: 'cp1',
          status: 'active',
          intent: 'plan',
          subject: { reference: 'Patient/p1' },
          category: [{ coding: [{ system: 'http://loinc.org', code: '80764-4' }] }],
          created: '2026-10-20',
        },
      ],
      observations: [
        {
          resourceType: 'Observation',
          id: 'o1',
          status: 'final',
          code: {
            coding: [
              {
                system: 'http://loinc.org',
                code: '70146-6',
                display: 'Benzoylecgonine [Mass/\u200Bvolume] in Urine',
              },
            ],
          },
          valueString: 'POS',
          interpretation: [{ coding: [{ code: 'POS' }] }],
          effectiveDateTime: '2026-11-01',
        },
      ],
      conditions: [
        {
          resourceType: 'Condition',
          id: 'c1',
          subject: { reference: 'Patient/p1' },
          clinicalStatus: 'active' as never,
          code: {
            coding: [
              {
                system: 'http://snomed.info/sct',
                code: '12847006',
                display: 'Acute duodenal ulcer with hemorrhage',
              },
            ],
          },
          assertedDate: '2020-03-01',
        } as never,
        {
          resourceType: 'Condition',
          id: 'c2',
          subject: { reference: 'Patient/p1' },
          clinicalStatus: { coding: [{ code: 'resolved' }] },
          code: { text: 'Gastric ulcer with hemorrhage' },
        },
      ],
    };
    const items = normalizePatientContext(record, options).items;
    const byRef = Object.fromEntries(items.map((item) => [item.ref, item]));
    expect(byRef['Encounter/e1']).toMatchObject({
      category: 'IMP',
      date: '2026-10-01',
      end: '2026-10-05',
      disposition: { code: 'hosp' },
    });
    expect(byRef['Procedure/pr1']).toMatchObject({
      kind: 'procedure',
      codings: [{ code: '461621000124108' }],
      date: '2026-11-01',
    });
    expect(byRef['CarePlan/cp1']).toMatchObject({
      kind: 'care-plan',
      codings: [{ code: '80764-4' }],
      date: '2026-10-20',
    });
    expect(byRef['Observation/o1']).toMatchObject({
      valueText: 'POS',
      interpretation: 'POS',
      code: { display: 'Benzoylecgonine [Mass/volume] in Urine' },
    });
    expect(byRef['Condition/c1']).toMatchObject({ status: 'active', recorded: '2020-03-01' });
    // A resolved bleed is history a rule reads (PDDI-CDS: a history of upper GI bleeding).
    expect(byRef['Condition/c2']).toMatchObject({ status: 'resolved' });
  });
});

const MME_TESTS = join(process.cwd(), '../../../shared/data/drug-reference/opioid-mme-r4/MMECalculatorTests');
const mmeCases = existsSync(MME_TESTS)
  ? readdirSync(MME_TESTS).filter((name) =>
      existsSync(join(MME_TESTS, name, `GuidanceResponse-${name}.json`)),
    )
  : [];
(mmeCases.length > 0 ? it.each(mmeCases) : it.skip.each(['(../shared/data absent)']))(
  'computes the CDC MME calculator test case %s exactly (MedicationRequest → context item → MME)',
  (name) => {
    const files = readdirSync(join(MME_TESTS, name)).map((file) =>
      JSON.parse(readFileSync(join(MME_TESTS, name, file), 'utf8')),
    );
    const resources = files.flatMap((file: Resource) =>
      file.resourceType === 'Bundle'
        ? ((file as Bundle).entry ?? []).map((entry) => entry.resource!)
        : [file],
    );
    const expected = resources
      .find((resource) => resource.resourceType === 'GuidanceResponse')!
      .contained!.flatMap(
        (contained) =>
          (contained as { parameter?: Array<{ name: string; valueQuantity?: { value: number } }> })
            .parameter ?? [],
      )
      .find((parameter) => parameter.name === 'TotalMME')!.valueQuantity!.value;
    const requests = resources.filter(
      (resource): resource is MedicationRequest => resource.resourceType === 'MedicationRequest',
    );
    const chart = buildChart(
      normalizePatientContext({ ...empty, medicationRequests: requests }, options),
      [],
      Date.parse('2026-11-24'),
    );
    const total = chart.medications.reduce(
      (sum, medication) => sum + (dailyMme(medication).mmePerDay ?? Number.NaN),
      0,
    );
    expect(total).toBeCloseTo(expected, 1);
  },
);
