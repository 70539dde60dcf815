import type { ContextItem, SuggestedAction, Suggestion } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { contextOf } from '../../test/contexts.js';
import { completeWithKnowledge } from './completeness.js';

const med = (id: string, display: string): ContextItem => ({
  ref: `MedicationRequest/${id}`,
  kind: 'medication',
  code: { display },
  status: 'active',
  date: '2026-10-01',
});
const warfarin = med('w', 'Warfarin Sodium 5 MG Oral Tablet');
const ibuprofen = med('i', 'Ibuprofen 400 MG Oral Tablet');
const amoxicillin = med('a', 'Amoxicillin 500 MG Oral Capsule');
const allergy: ContextItem = {
  ref: 'AllergyIntolerance/pen',
  kind: 'allergy',
  code: { display: 'Allergy to penicillin' },
  status: 'active',
};
const chart = contextOf([warfarin, ibuprofen, amoxicillin, allergy]);

const modelSuggestion = (
  id: string,
  citations: string[],
  actions: SuggestedAction[],
  verdict: Suggestion['verdict'] = 'allow',
): Suggestion => ({
  id,
  kind: 'medication-safety',
  title: 'A model suggestion',
  text: 'Text.',
  citations,
  actions,
  verdict,
  reasons: [],
});
const stopIbuprofen = modelSuggestion(
  's1',
  [ibuprofen.ref, warfarin.ref],
  [{ type: 'stop', medication: ibuprofen.ref, dose: null }],
);

describe('completeness: every chart finding reaches the clinician, with or without the model', () => {
  it('adds the findings no suggestion addressed as suggestions of the rules, and records who covered what', () => {
    const { suggestions, coverage } = completeWithKnowledge(chart, [stopIbuprofen]);
    const byRule = Object.fromEntries(
      coverage.findings.map((finding) => [finding.ruleId, finding.coveredBy]),
    );
    expect(byRule['knowledge.interaction.warfarin-nsaids']).toEqual(['s1']);
    expect(byRule['knowledge.allergy.drug']).toEqual([]);
    const added = suggestions.filter((suggestion) => suggestion.source === 'knowledge');
    expect(added.map((suggestion) => suggestion.reasons[0]!.ruleId)).toEqual(['knowledge.allergy.drug']);
    expect(added[0]).toMatchObject({
      id: 'k1',
      verdict: 'warn',
      severity: 'high',
      actions: [],
      findingId: coverage.findings.find((f) => f.ruleId === 'knowledge.allergy.drug')!.findingId,
    });
    expect(added[0]!.citations).toEqual(expect.arrayContaining([allergy.ref, amoxicillin.ref]));
    expect(added[0]!.guideline!.url).toMatch(/^https:\/\//);
    expect(coverage.rulesVersion).toMatch(/\S/);
  });

  it('counts neither a blocked suggestion, nor one that keeps the drug, nor one that cites something else', () => {
    for (const notCovering of [
      modelSuggestion(
        's1',
        [ibuprofen.ref],
        [{ type: 'stop', medication: ibuprofen.ref, dose: null }],
        'block',
      ),
      modelSuggestion('s1', [ibuprofen.ref], [{ type: 'continue', medication: ibuprofen.ref, dose: null }]),
      modelSuggestion('s1', [allergy.ref], [{ type: 'stop', medication: ibuprofen.ref, dose: null }]),
    ]) {
      const { suggestions } = completeWithKnowledge(chart, [notCovering]);
      expect(suggestions.filter((s) => s.source === 'knowledge').map((s) => s.reasons[0]!.ruleId)).toContain(
        'knowledge.interaction.warfarin-nsaids',
      );
    }
  });

  it('takes monitoring that cites the finding, and a start of the drug the finding proposes', () => {
    const monitor = modelSuggestion(
      's2',
      [warfarin.ref],
      [{ type: 'monitor', medication: null, dose: null }],
    );
    expect(
      completeWithKnowledge(chart, [monitor]).coverage.findings.find(
        (finding) => finding.ruleId === 'knowledge.interaction.warfarin-nsaids',
      )!.coveredBy,
    ).toEqual(['s2']);
    // Long-term oxycodone with a benzodiazepine: CDC recommendation 8 proposes naloxone.
    const oxycodone = { ...med('o', 'Oxycodone Hydrochloride 10 MG Oral Tablet'), supply: { days: 30 } };
    const opioidChart = contextOf([oxycodone, med('b', 'Alprazolam 1 MG Oral Tablet')]);
    const naloxone = modelSuggestion(
      's3',
      [oxycodone.ref],
      [{ type: 'start', medication: 'naloxone', dose: null }],
    );
    const rec08 = (suggestions: Suggestion[]) =>
      completeWithKnowledge(opioidChart, suggestions).coverage.findings.find(
        (finding) => finding.ruleId === 'knowledge.opioid.rec08-naloxone',
      )!.coveredBy;
    expect(rec08([])).toEqual([]);
    expect(rec08([naloxone])).toEqual(['s3']);
  });

  it('adds nothing to a chart without findings', () => {
    const { suggestions, coverage } = completeWithKnowledge(
      contextOf([med('m', 'Lisinopril 10 MG Oral Tablet')]),
      [],
    );
    expect(suggestions).toEqual([]);
    expect(coverage.findings).toEqual([]);
  });
});
