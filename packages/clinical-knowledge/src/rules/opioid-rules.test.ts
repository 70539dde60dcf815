import type { ContextItem } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { condition, context, daysAgo, medication, observation, opioid, SNOMED } from '../../test/fixtures.js';
import { evaluate } from '../evaluate.js';

const OXYCODONE_ER = '1049502'; // 12 HR Oxycodone Hydrochloride 10 MG Extended Release Oral Tablet
const FENTANYL_75 = '197696'; // 72 HR fentanyl 0.075 MG/HR Transdermal System
const TRAMADOL_APAP = '836397'; // tramadol 37.5 MG / acetaminophen 325 MG
const ALPRAZOLAM = 'Alprazolam 0.5 MG Oral Tablet';

const rules = (items: ContextItem[], drafts: ContextItem[] = [], patient = {}) =>
  evaluate(context(items, patient), { draftOrders: drafts }).filter(
    (finding) => finding.category === 'opioid',
  );
const ids = (items: ContextItem[], drafts: ContextItem[] = [], patient = {}) =>
  rules(items, drafts, patient)
    .map((finding) => finding.ruleId)
    .sort();

describe('CDC 2022 opioid rules', () => {
  it('rec 1: an acute opioid for an opioid-naive patient suggests nonopioid therapy first', () => {
    const draft = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, days: 5, perDay: 4 });
    expect(ids([], [draft])).toContain('knowledge.opioid.rec01-nonopioid-first');
    // Not naive: an opioid prescribed 20 days ago.
    const recent = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { startedDaysAgo: 20, days: 5 });
    expect(ids([recent], [draft])).not.toContain('knowledge.opioid.rec01-nonopioid-first');
    // Inpatient orders are outside the guideline.
    expect(ids([], [{ ...draft, category: 'inpatient' }])).toEqual([]);
  });

  it('rec 2 and 3: starting long-term or extended-release opioids', () => {
    const draft = opioid('12 HR Oxycodone Hydrochloride 10 MG Extended Release Oral Tablet', {
      rxnorm: OXYCODONE_ER,
      draft: true,
      perDay: 2,
    });
    const found = ids([], [draft]);
    expect(found).toEqual(
      expect.arrayContaining([
        'knowledge.opioid.rec02-treatment-plan',
        'knowledge.opioid.rec03-immediate-release-first',
      ]),
    );
    const plan: ContextItem = {
      ref: 'CarePlan/plan1',
      kind: 'care-plan',
      codings: [{ system: 'http://loinc.org', code: '80764-4', display: 'Pain medicine Plan of care note' }],
      status: 'active',
      date: daysAgo(30),
    };
    expect(ids([plan], [draft])).not.toContain('knowledge.opioid.rec02-treatment-plan');
    const immediate = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, perDay: 4 });
    expect(ids([], [immediate])).not.toContain('knowledge.opioid.rec03-immediate-release-first');
    // ER/LA for acute pain (5 days) too, as the guideline says.
    const acuteExtended = opioid('12 HR Oxycodone Hydrochloride 10 MG Extended Release Oral Tablet', {
      rxnorm: OXYCODONE_ER,
      draft: true,
      days: 5,
    });
    const [acute] = rules([], [acuteExtended]).filter(
      (f) => f.ruleId === 'knowledge.opioid.rec03-immediate-release-first',
    );
    expect(acute!.detail).toMatch(/here for acute pain/);
  });

  it('rec 4: a regimen of 50 MME/day or more, with each drug counted', () => {
    const patch = opioid('72 HR fentanyl 0.075 MG/HR Transdermal System', {
      rxnorm: FENTANYL_75,
      draft: true,
      unit: 'patch',
      perDay: 1 / 3,
    });
    const [finding] = rules([], [patch]).filter((f) => f.ruleId === 'knowledge.opioid.rec04-mme');
    expect(finding!.summary).toBe('Opioid dose 180 MME/day: 90 or more, high overdose risk');
    expect(finding!.detail).toMatch(/fentanyl 180 MME\/day/);
    const low = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, perDay: 4 }); // 30 MME
    expect(ids([], [low])).not.toContain('knowledge.opioid.rec04-mme');
    const existing = opioid('Oxycodone Hydrochloride 10 MG Oral Tablet', { perDay: 2 }); // 30 MME
    const [sum] = rules([existing], [low]).filter((f) => f.ruleId === 'knowledge.opioid.rec04-mme');
    expect(sum!.summary).toBe('Opioid dose 60 MME/day: 50 or more, reassess');
    expect(sum!.refs).toEqual(expect.arrayContaining([existing.ref, low.ref]));
  });

  it('rec 6: an acute prescription of more than 7 days', () => {
    expect(
      ids([], [opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, days: 14 })]),
    ).toContain('knowledge.opioid.rec06-acute-duration');
    expect(
      ids([], [opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, days: 3 })]),
    ).not.toContain('knowledge.opioid.rec06-acute-duration');
  });

  it('rec 7: opioids on 21 of 30 days for 3 months, without a risk assessment', () => {
    const history = [95, 65, 35, 5].map((days) =>
      opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { startedDaysAgo: days, days: 30, perDay: 2 }),
    );
    const draft = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, days: 30, perDay: 2 });
    expect(ids(history, [draft])).toContain('knowledge.opioid.rec07-evaluate-benefits-harms');
    const assessment: ContextItem = {
      ref: 'Procedure/assess',
      kind: 'procedure',
      codings: [{ system: SNOMED, code: '454281000124100' }],
      status: 'completed',
      date: daysAgo(20),
    };
    expect(ids([...history, assessment], [draft])).not.toContain(
      'knowledge.opioid.rec07-evaluate-benefits-harms',
    );
    expect(ids(history.slice(2), [draft])).not.toContain('knowledge.opioid.rec07-evaluate-benefits-harms');
  });

  it('rec 8: naloxone when a benzodiazepine, 50 MME/day or misuse history; not when naloxone is on record', () => {
    const draft = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, perDay: 2 });
    const benzo = medication(ALPRAZOLAM, { date: daysAgo(10) });
    const [finding] = rules([benzo], [draft]).filter((f) => f.ruleId === 'knowledge.opioid.rec08-naloxone');
    expect(finding!.detail).toMatch(/a benzodiazepine \(alprazolam\)/);
    expect(finding!.suggestions[0]!.code).toMatchObject({ code: '1725059' });
    expect(ids([condition('Alcohol dependence')], [draft])).toContain('knowledge.opioid.rec08-naloxone');
    expect(ids([condition('Obstructive sleep apnea syndrome', { snomed: '78275009' })], [draft])).toContain(
      'knowledge.opioid.rec08-naloxone',
    );
    expect(
      ids([condition('Obstructive sleep apnea syndrome', { status: 'resolved' })], [draft]),
    ).not.toContain('knowledge.opioid.rec08-naloxone');
    const naloxone = medication('naloxone hydrochloride 40 MG/ML Nasal Spray', {
      rxnorm: '1725059',
      date: daysAgo(10),
      category: 'community',
    });
    expect(ids([benzo, naloxone], [draft])).not.toContain('knowledge.opioid.rec08-naloxone');
    expect(ids([], [draft])).not.toContain('knowledge.opioid.rec08-naloxone');
  });

  it('rec 9: no PDMP review in 90 days', () => {
    const draft = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, perDay: 2 });
    expect(ids([], [draft])).toContain('knowledge.opioid.rec09-pdmp');
    const review: ContextItem = {
      ref: 'Procedure/pdmp',
      kind: 'procedure',
      codings: [{ system: SNOMED, code: '461651000124104' }],
      status: 'completed',
      date: daysAgo(10),
    };
    expect(ids([review], [draft])).not.toContain('knowledge.opioid.rec09-pdmp');
  });

  it('rec 10: no urine drug test in 12 months, and unexpected results', () => {
    const draft = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, perDay: 2 });
    expect(ids([], [draft])).toContain('knowledge.opioid.rec10-urine-drug-testing');
    const cocaine = observation(
      '70146-6',
      'Benzoylecgonine [Mass/volume] in Urine by Screen method',
      'POS',
      40,
    );
    const found = rules([cocaine], [draft]);
    expect(found.map((f) => f.ruleId)).toContain('knowledge.opioid.rec10-unexpected-result');
    expect(found.map((f) => f.ruleId)).not.toContain('knowledge.opioid.rec10-urine-drug-testing');
    expect(found.find((f) => f.ruleId === 'knowledge.opioid.rec10-unexpected-result')!.summary).toBe(
      'Unexpected urine drug test result: positive for cocaine',
    );
    // A negative oxycodone screen while oxycodone was prescribed the month before.
    const oxycodone = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { startedDaysAgo: 60 });
    const negative = observation('11246-6', 'oxyCODONE [Mass/volume] in Urine', 'NEG', 45);
    expect(
      rules([oxycodone, negative], [draft]).find(
        (f) => f.ruleId === 'knowledge.opioid.rec10-unexpected-result',
      )!.detail,
    ).toMatch(/negative for oxycodone .* although oxycodone was prescribed/);
  });

  it('rec 11: an opioid with a benzodiazepine, either as the draft; patient-view with both active', () => {
    const benzo = medication(ALPRAZOLAM, { date: daysAgo(10), category: 'community' });
    const oxycodone = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { startedDaysAgo: 10 });
    expect(
      ids([benzo], [opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, days: 3 })]),
    ).toContain('knowledge.opioid.rec11-benzodiazepine');
    const [fromBenzo] = rules([oxycodone], [medication(ALPRAZOLAM, { draft: true })]).filter((f) =>
      f.ruleId.includes('rec11'),
    );
    expect(fromBenzo!.detail).toMatch(/benzodiazepine prescription request is concurrent/);
    expect(ids([benzo, oxycodone])).toContain('knowledge.opioid.rec11-benzodiazepine');
    expect(ids([oxycodone])).not.toContain('knowledge.opioid.rec11-benzodiazepine');
  });

  it('rec 11 replaces the generic opioid + benzodiazepine interaction; under 18 the interaction still warns', () => {
    const benzo = medication(ALPRAZOLAM, { date: daysAgo(10), category: 'community' });
    const draft = opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, days: 3 });
    const adult = evaluate(context([benzo]), { draftOrders: [draft] }).map((f) => f.ruleId);
    expect(adult).not.toContain('knowledge.interaction.opioid-benzodiazepine');
    const teenager = evaluate(context([benzo], { ageYears: 16 }), { draftOrders: [draft] }).map(
      (f) => f.ruleId,
    );
    expect(teenager).toContain('knowledge.interaction.opioid-benzodiazepine');
    expect(teenager.filter((id) => id.startsWith('knowledge.opioid'))).toEqual([]);
  });

  it('rec 12: opioid use disorder recorded in 90 days without buprenorphine or methadone', () => {
    const disorder = condition('Opioid dependence (disorder)', { snomed: '75544000', recorded: daysAgo(20) });
    expect(ids([disorder])).toEqual(['knowledge.opioid.rec12-opioid-use-disorder']);
    const buprenorphine = medication('Buprenorphine 2 MG / Naloxone 0.5 MG Sublingual Film', {
      date: daysAgo(10),
    });
    expect(ids([disorder, buprenorphine])).not.toContain('knowledge.opioid.rec12-opioid-use-disorder');
  });

  it('end of life, cancer and sickle cell exclude the patient', () => {
    const draft = opioid('12 HR Oxycodone Hydrochloride 10 MG Extended Release Oral Tablet', {
      rxnorm: OXYCODONE_ER,
      draft: true,
      perDay: 2,
    });
    expect(ids([], [draft]).length).toBeGreaterThan(0);
    expect(ids([condition('Metastatic malignant neoplasm to liver')], [draft])).toEqual([]);
    expect(ids([condition('Sickle cell disease', { snomed: '417357006' })], [draft])).toEqual([]);
    expect(ids([condition('Primary malignant neoplasm of colon', { status: 'active' })], [draft])).toEqual(
      [],
    );
    const hospice: ContextItem = {
      ref: 'Encounter/e1',
      kind: 'encounter',
      status: 'finished',
      date: daysAgo(30),
      disposition: { code: 'hosp', display: 'Hospice' },
    };
    expect(ids([hospice], [draft]).filter((id) => !/rec0[12]|rec06|rec09/.test(id))).toEqual([]);
  });

  it('a cough syrup with hydrocodone is not an opioid analgesic (the value set leaves it out)', () => {
    const syrup = opioid(
      'Carbinoxamine maleate 0.4 MG/ML / Hydrocodone Bitartrate 1 MG/ML / Pseudoephedrine Hydrochloride 6 MG/ML Oral Solution',
      { draft: true },
    );
    expect(ids([], [syrup])).toEqual([]);
    expect(ids([], [opioid('tramadol 37.5 / APAP', { rxnorm: TRAMADOL_APAP, draft: true })])).not.toEqual([]);
  });
});
