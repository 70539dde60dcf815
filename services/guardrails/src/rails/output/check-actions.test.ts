import type { ContextItem, PatientContext, SuggestedAction } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { contextOf as context } from '../../../test/contexts.js';
import type { CandidateSuggestion } from './candidate.js';
import { runOutputRails } from './run-output-rails.js';

const med = (id: string, display: string, dose?: ContextItem['dose']): ContextItem => ({
  ref: `MedicationRequest/${id}`,
  kind: 'medication',
  code: { display },
  status: 'active',
  date: '2026-10-01',
  ...(dose ? { dose } : {}),
});
const penicillinAllergy: ContextItem = {
  ref: 'AllergyIntolerance/a1',
  kind: 'allergy',
  code: { display: 'Allergy to penicillin' },
  status: 'active',
  criticality: 'high',
};
const egfr = (value: number): ContextItem => ({
  ref: 'Observation/egfr',
  kind: 'observation',
  code: { system: 'http://loinc.org', code: '62238-1', display: 'eGFR' },
  codings: [{ system: 'http://loinc.org', code: '62238-1', display: 'eGFR' }],
  status: 'final',
  date: '2026-11-20',
  value: { value, unit: 'mL/min/{1.73_m2}' },
});
const act = (
  type: SuggestedAction['type'],
  medication: string | null,
  dose: SuggestedAction['dose'] = null,
) => ({
  type,
  medication,
  dose,
});
const suggestion = (text: string, citations: string[], actions: SuggestedAction[]): CandidateSuggestion => ({
  id: 's1',
  kind: 'medication-safety',
  title: 'A suggestion',
  text,
  citations,
  actions,
});
const judged = (ctx: PatientContext, candidate: CandidateSuggestion) => {
  const [annotated] = runOutputRails(ctx, [candidate], []);
  return {
    verdict: annotated!.verdict,
    rules: annotated!.reasons.map((reason) => reason.ruleId),
    reasons: annotated!.reasons,
  };
};

describe('output rails on what a suggestion proposes', () => {
  const amoxicillin = med('amox', 'Amoxicillin 500 MG Oral Capsule');
  const allergic = context([penicillinAllergy, amoxicillin]);

  it('lets "stop X (allergy)" through and blocks "continue X"', () => {
    expect(
      judged(
        allergic,
        suggestion(
          'Stop amoxicillin: the patient has a documented penicillin allergy.',
          [amoxicillin.ref, penicillinAllergy.ref],
          [act('stop', amoxicillin.ref)],
        ),
      ),
    ).toMatchObject({ verdict: 'allow', rules: [] });
    const continued = judged(
      allergic,
      suggestion(
        'Continue the current antibiotic course.',
        [amoxicillin.ref],
        [act('continue', amoxicillin.ref)],
      ),
    );
    expect(continued.verdict).toBe('block');
    expect(continued.reasons[0]).toMatchObject({ severity: 'critical', itemRef: penicillinAllergy.ref });
    expect(continued.rules[0]).toMatch(/^knowledge\.allergy\./);
  });

  it('judges what the text proposes when the actions leave it out', () => {
    const result = judged(
      allergic,
      suggestion('Continue amoxicillin for five more days.', [amoxicillin.ref], [act('none', null)]),
    );
    expect(result.verdict).toBe('block');
    expect(result.rules).toContain('output.action-missing');
    expect(result.rules.some((id) => id.startsWith('knowledge.allergy.'))).toBe(true);
  });

  it('blocks a text that contradicts its actions', () => {
    const ibuprofen = med('ibu', 'Ibuprofen 400 MG Oral Tablet');
    const result = judged(
      context([ibuprofen]),
      suggestion(
        'Stop ibuprofen because of the bleeding risk.',
        [ibuprofen.ref],
        [act('continue', ibuprofen.ref)],
      ),
    );
    expect(result).toMatchObject({ verdict: 'block', rules: ['output.text-contradicts-actions'] });
    expect(result.reasons[0]!.message).toBe('The text says to stop ibuprofen, its action says "continue"');
  });

  it('judges an interaction the kept drug leaves in place with the IG’s modifiers, citing the other drug', () => {
    const warfarin = med('w', 'Warfarin Sodium 5 MG Oral Tablet');
    const ibuprofen = med('i', 'Ibuprofen 400 MG Oral Tablet');
    const keep = suggestion(
      'Keep warfarin at the current dose.',
      [warfarin.ref],
      [act('continue', warfarin.ref)],
    );
    // PDDI-CDS: warfarin + NSAID without gastric protection is critical; with a proton-pump inhibitor, a warning.
    const unprotected = judged(context([warfarin, ibuprofen]), keep);
    expect(unprotected.verdict).toBe('block');
    expect(
      unprotected.reasons.find((r) => r.ruleId === 'knowledge.interaction.warfarin-nsaids'),
    ).toMatchObject({
      severity: 'critical',
      itemRef: ibuprofen.ref,
    });
    const protectedChart = context([
      warfarin,
      ibuprofen,
      med('ppi', 'Omeprazole 20 MG Delayed Release Oral Capsule'),
    ]);
    expect(judged(protectedChart, keep)).toMatchObject({
      verdict: 'warn',
      rules: ['knowledge.interaction.warfarin-nsaids'],
    });
    expect(
      judged(
        context([warfarin, ibuprofen]),
        suggestion(
          'Stop ibuprofen; use paracetamol for pain.',
          [ibuprofen.ref],
          [
            act('stop', ibuprofen.ref),
            act('start', 'acetaminophen', { amount: '1', unit: 'g', frequency: 'four times daily' }),
          ],
        ),
      ),
    ).toMatchObject({ verdict: 'allow' });
  });

  it('blocks raising metformin at an eGFR of 24, and anything kept for a deceased patient', () => {
    const metformin = med('met', 'Metformin Hydrochloride 500 MG Oral Tablet');
    const raised = judged(
      context([metformin, egfr(24)]),
      suggestion(
        'Increase metformin to improve glycaemic control.',
        [metformin.ref],
        [act('change-dose', metformin.ref, { amount: '1000', unit: 'mg', frequency: 'twice daily' })],
      ),
    );
    expect(raised.verdict).toBe('block');
    expect(raised.rules).toContain('knowledge.renal.metformin');
    const ibuprofen = med('ibu', 'Ibuprofen 400 MG Oral Tablet');
    const deceased = judged(
      context([ibuprofen], { deceased: true }),
      suggestion('Continue ibuprofen.', [ibuprofen.ref], [act('continue', ibuprofen.ref)]),
    );
    expect(deceased.verdict).toBe('block');
    expect(deceased.rules.some((id) => id.startsWith('knowledge.deceased.'))).toBe(true);
  });

  it('reads a proposed opioid dose with the CDC thresholds', () => {
    // A long-term prescription (30 days' supply): the CDC dose recommendation is about those.
    const oxycodone = {
      ...med('oxy', 'Oxycodone Hydrochloride 10 MG Oral Tablet', {
        quantity: { value: 10, unit: 'mg' },
        frequencyPerDay: 2,
      }),
      supply: { days: 30 },
    };
    const raised = judged(
      context([oxycodone]),
      suggestion(
        'Increase oxycodone for uncontrolled pain.',
        [oxycodone.ref],
        [act('change-dose', oxycodone.ref, { amount: '20', unit: 'mg', frequency: 'every 6 hours' })],
      ),
    );
    expect(raised.rules).toContain('knowledge.opioid.rec04-mme');
    expect(raised.reasons.find((r) => r.ruleId === 'knowledge.opioid.rec04-mme')!.message).toMatch(
      /120 MME\/day/,
    );
  });

  it('blocks a dose that cannot be given and warns on an action without its drug', () => {
    const metformin = med('met', 'Metformin Hydrochloride 500 MG Oral Tablet');
    for (const amount of ['0', '1e9999'])
      expect(
        judged(
          context([metformin]),
          suggestion(
            'Adjust the dose.',
            [metformin.ref],
            [act('change-dose', metformin.ref, { amount, unit: 'mg', frequency: 'once daily' })],
          ),
        ),
      ).toMatchObject({ verdict: 'block', rules: ['output.action-dose-invalid'] });
    expect(
      judged(
        context([metformin]),
        suggestion('Review the medication list.', [metformin.ref], [act('stop', null)]),
      ),
    ).toMatchObject({ verdict: 'warn', rules: ['output.action-incomplete'] });
  });
});
