import type { SuggestedAction } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { allergy, context, lab, medication, opioid } from '../test/fixtures.js';
import { applyActions, evaluateActions, PROPOSED_REF_PREFIX } from './proposals.js';
import { PRESCRIBABLE_DRUGS } from './vocabulary/name-index.js';

const act = (type: SuggestedAction['type'], name: string | null, dose: SuggestedAction['dose'] = null) => ({
  type,
  medication: name,
  dose,
});
const rules = (findings: Array<{ ruleId: string }>) => findings.map((finding) => finding.ruleId);

describe('what a suggestion’s actions would do to the chart', () => {
  const penicillin = allergy('Allergy to penicillin');
  const amoxicillin = medication('Amoxicillin 500 MG Oral Capsule');
  const chart = context([penicillin, amoxicillin]);

  it('stop or hold of an allergen is the warning itself: nothing to find', () => {
    expect(evaluateActions(chart, [act('stop', amoxicillin.ref)])).toEqual([]);
    expect(evaluateActions(chart, [act('hold', 'amoxicillin')])).toEqual([]);
  });

  it('continue, start or a new dose of an allergen is a critical allergy finding that cites the allergy', () => {
    for (const actions of [
      [act('continue', amoxicillin.ref)],
      [act('change-dose', amoxicillin.ref, { amount: '250', unit: 'mg', frequency: 'three times daily' })],
      [act('start', 'amoxicillin')],
    ]) {
      const found = evaluateActions(chart, actions);
      expect(found.map((f) => [f.category, f.severity])).toContainEqual(['allergy', 'critical']);
      expect(found.find((f) => f.category === 'allergy')!.refs).toContain(penicillin.ref);
    }
  });

  it('a new drug of a cross-reactive class is judged by the allergy table', () => {
    // Cephalexin shares its side chain with amoxicillin (warning); other penicillins: low risk (info).
    const found = evaluateActions(context([allergy('Allergy to amoxicillin')]), [act('start', 'cephalexin')]);
    expect(found.map((f) => f.severity)).toEqual(['warning']);
    expect(found[0]!.draftRefs[0]).toMatch(new RegExp(`^${PROPOSED_REF_PREFIX}`));
    const onlyPenicillin = context([penicillin]);
    expect(evaluateActions(onlyPenicillin, [act('start', 'cephalexin')]).map((f) => f.severity)).toEqual([
      'info',
    ]);
    expect(evaluateActions(onlyPenicillin, [act('start', 'azithromycin')])).toEqual([]);
  });

  it('judges interactions on the list the actions leave: stopping the other drug resolves them', () => {
    const warfarin = medication('Warfarin Sodium 5 MG Oral Tablet');
    const ibuprofen = medication('Ibuprofen 400 MG Oral Tablet');
    const both = context([warfarin, ibuprofen]);
    expect(rules(evaluateActions(both, [act('continue', warfarin.ref)]))).toContain(
      'knowledge.interaction.warfarin-nsaids',
    );
    expect(evaluateActions(both, [act('continue', warfarin.ref), act('stop', ibuprofen.ref)])).toEqual([]);
    expect(rules(evaluateActions(context([warfarin]), [act('start', 'naproxen')]))).toContain(
      'knowledge.interaction.warfarin-nsaids',
    );
  });

  it('a dose raised below the renal limit is critical; monitoring it is no change', () => {
    const metformin = medication('Metformin Hydrochloride 500 MG Oral Tablet');
    const renal = context([metformin, lab('62238-1', 'eGFR (CKD-EPI)', 24, 'mL/min/{1.73_m2}')]);
    const raised = evaluateActions(renal, [
      act('change-dose', metformin.ref, { amount: '1000', unit: 'mg', frequency: 'twice daily' }),
    ]);
    expect(raised.map((f) => [f.ruleId, f.severity])).toContainEqual([
      'knowledge.renal.metformin',
      'critical',
    ]);
    expect(evaluateActions(renal, [act('monitor', metformin.ref)])).toEqual([]);
  });

  it('anything kept or started for a deceased patient is critical', () => {
    const ibuprofen = medication('Ibuprofen 400 MG Oral Tablet');
    const found = evaluateActions(context([ibuprofen], { deceased: true }), [act('continue', ibuprofen.ref)]);
    expect(found.map((f) => [f.category, f.severity])).toContainEqual(['deceased', 'critical']);
  });

  it('reads the proposed dose: an opioid raised to ≥ 90 MME/day is flagged by the CDC rules', () => {
    const oxycodone = opioid('Oxycodone Hydrochloride 10 MG Oral Tablet', { dose: 1, perDay: 2 });
    const chart = context([oxycodone]);
    const low = rules(evaluateActions(chart, [act('continue', oxycodone.ref)]));
    const high = rules(
      evaluateActions(chart, [
        act('change-dose', oxycodone.ref, { amount: '20', unit: 'mg', frequency: 'every 6 hours' }),
      ]),
    );
    // One 10 mg tablet twice a day: 30 MME/day; 20 mg every 6 hours: 120 MME/day.
    expect(low).not.toContain('knowledge.opioid.rec04-mme');
    expect(high).toContain('knowledge.opioid.rec04-mme');
  });

  it('maps a named drug to the chart’s medications with its ingredients, and each action to its targets', () => {
    const ibuprofen = medication('Ibuprofen 400 MG Oral Tablet');
    const proposed = applyActions(context([ibuprofen]), [
      act('stop', 'ibuprofen'),
      act('start', 'acetaminophen', { amount: '1', unit: 'g', frequency: 'four times daily' }),
      act('monitor', null),
    ]);
    expect(proposed.targets).toEqual([[ibuprofen.ref], [], []]);
    expect(proposed.context.items.find((item) => item.ref === ibuprofen.ref)!.status).toBe('stopped');
    expect(proposed.drafts).toHaveLength(1);
    expect(proposed.drafts[0]!.dose).toMatchObject({ quantity: { value: 1, unit: 'g' }, frequencyPerDay: 4 });
  });

  it('offers only drugs the rules can judge, heroin never', () => {
    expect(PRESCRIBABLE_DRUGS.length).toBeGreaterThan(500);
    expect(PRESCRIBABLE_DRUGS).toContain('metformin');
    expect(PRESCRIBABLE_DRUGS).not.toContain('heroin');
    expect([...PRESCRIBABLE_DRUGS].sort()).toEqual(PRESCRIBABLE_DRUGS);
  });
});
