import type { ContextItem } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { context, lab, medication } from '../../test/fixtures.js';
import { ckdEpi2021 } from '../chart/kidney-function.js';
import { evaluate } from '../evaluate.js';

const egfr = (value: number, daysBefore = 10) =>
  lab(
    '62238-1',
    'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)',
    value,
    'mL/min/{1.73_m2}',
    daysBefore,
  );
const byCategory = (category: string, items: ContextItem[], drafts: ContextItem[] = [], patient = {}) =>
  evaluate(context(items, patient), { draftOrders: drafts }).filter(
    (finding) => finding.category === category,
  );

describe('renal limits', () => {
  it('metformin: contraindicated below 30, review below 45, nothing at 45 or above', () => {
    const draft = () =>
      medication('24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet', { draft: true });
    const low = egfr(24);
    const [critical] = byCategory('renal', [low], [draft()]);
    expect(critical).toMatchObject({ ruleId: 'knowledge.renal.metformin', severity: 'critical' });
    expect(critical!.refs).toContain(low.ref);
    expect(critical!.summary).toBe('Kidney function: metformin at eGFR 24 (below 30): contraindicated');
    expect(byCategory('renal', [egfr(38)], [draft()])[0]?.severity).toBe('warning');
    expect(byCategory('renal', [egfr(45)], [draft()])).toEqual([]);
  });

  it('uses CKD-EPI 2021 from creatinine when no eGFR is on record, and ignores results over a year old', () => {
    expect(ckdEpi2021(1.0, 50, 'female')).toBe(69);
    expect(ckdEpi2021(1.0, 50, 'male')).toBe(92);
    const creatinine = lab('38483-4', 'Creatinine', 2.6, 'mg/dL');
    const [finding] = byCategory(
      'renal',
      [creatinine],
      [medication('Metformin 500 MG Oral Tablet', { draft: true })],
      { ageYears: 70, sex: 'male' },
    );
    expect(finding!.detail).toMatch(/eGFR 26 mL\/min\/1.73m2 by CKD-EPI 2021 from creatinine 2.6 mg\/dL/);
    expect(byCategory('renal', [egfr(20, 400)], [medication('Metformin 500 MG', { draft: true })])).toEqual(
      [],
    );
    expect(
      byCategory('renal', [creatinine], [medication('Metformin 500 MG', { draft: true })], {
        sex: 'unknown',
      }),
    ).toEqual([]);
  });

  it('exempts topical NSAIDs, and checks chart medications on patient-view', () => {
    expect(
      byCategory(
        'renal',
        [egfr(20)],
        [medication('Diclofenac Sodium 10 MG/ML Topical Gel', { draft: true })],
      ),
    ).toEqual([]);
    expect(
      byCategory('renal', [egfr(20)], [medication('Ibuprofen 400 MG Oral Tablet', { draft: true })])[0]
        ?.ruleId,
    ).toBe('knowledge.renal.nsaids');
    expect(byCategory('renal', [egfr(50), medication('Gabapentin 300 MG Oral Capsule')])[0]?.ruleId).toBe(
      'knowledge.renal.gabapentinoids',
    );
  });
});

describe('age limits', () => {
  it('codeine under 12 is contraindicated; at 12 it is not flagged', () => {
    const draft = () =>
      medication('Acetaminophen 300 MG / Codeine Phosphate 30 MG Oral Tablet', { draft: true });
    expect(byCategory('age', [], [draft()], { ageYears: 8 })[0]).toMatchObject({
      ruleId: 'knowledge.age.codeine-under-12',
      severity: 'critical',
    });
    expect(byCategory('age', [], [draft()], { ageYears: 12 })).toEqual([]);
  });

  it('older adults: benzodiazepines warn; baclofen is not one of the Beers muscle relaxants', () => {
    expect(
      byCategory('age', [], [medication('Lorazepam 1 MG Oral Tablet', { draft: true })], { ageYears: 80 })[0]
        ?.ruleId,
    ).toBe('knowledge.age.benzodiazepines-older-adults');
    expect(
      byCategory('age', [], [medication('Baclofen 10 MG Oral Tablet', { draft: true })], { ageYears: 80 }),
    ).toEqual([]);
    expect(
      byCategory('age', [], [medication('Cyclobenzaprine 10 MG', { draft: true })], { ageYears: 80 }),
    ).toHaveLength(1);
    expect(
      byCategory('age', [], [medication('Lorazepam 1 MG', { draft: true })], { ageYears: undefined }),
    ).toEqual([]);
  });
});

describe('a deceased patient', () => {
  it('makes any order critical, with a cancel suggestion per draft', () => {
    const draft = medication('Ibuprofen 200 MG Oral Tablet', { draft: true });
    const [finding] = byCategory('deceased', [], [draft], { deceased: true });
    expect(finding).toMatchObject({
      ruleId: 'knowledge.deceased.order',
      severity: 'critical',
      draftRefs: [draft.ref],
    });
    expect(finding!.refs).toEqual(['Patient/p1', draft.ref]);
  });

  it('flags active orders on patient-view, and nothing for a living patient', () => {
    const active = medication('Lisinopril 10 MG Oral Tablet');
    expect(byCategory('deceased', [active], [], { deceased: true })[0]).toMatchObject({
      severity: 'warning',
    });
    expect(byCategory('deceased', [active], [], { deceased: false })).toEqual([]);
  });
});

describe('an unidentified medication', () => {
  it('is reported, never silently skipped: a warning as a draft, information on the chart', () => {
    const draft = medication('Zzyzxamab 10 MG Injection', { rxnorm: '999999999', draft: true });
    const [finding] = byCategory('unidentified-medication', [], [draft]);
    expect(finding).toMatchObject({ severity: 'warning', refs: [draft.ref] });
    expect(finding!.summary).toMatch(/Zzyzxamab/);
    const unknownChart: ContextItem = {
      ref: 'MedicationRequest/m9',
      kind: 'medication',
      status: 'active',
      medicationRef: 'Medication/gone',
    };
    expect(byCategory('unidentified-medication', [unknownChart])[0]).toMatchObject({ severity: 'info' });
    expect(byCategory('unidentified-medication', [unknownChart])[0]!.summary).toMatch(
      /Medication\/gone, which could not be read/,
    );
    expect(
      byCategory('unidentified-medication', [], [medication('Ibuprofen 200 MG', { draft: true })]),
    ).toEqual([]);
  });
});
