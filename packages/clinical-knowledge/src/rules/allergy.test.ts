import { describe, expect, it } from '@jest/globals';
import { allergy, context, medication } from '../../test/fixtures.js';
import { evaluate } from '../evaluate.js';

const allergyFindings = (
  items: Parameters<typeof context>[0],
  drafts: Parameters<typeof medication>[] = [],
) =>
  evaluate(context(items), {
    draftOrders: drafts.map(([display, options]) => medication(display, { ...options, draft: true })),
  }).filter((finding) => finding.category === 'allergy');

describe('the allergy rule', () => {
  it('gives a critical card with a delete-the-draft suggestion when the draft is the allergen', () => {
    const penicillin = allergy('Allergy to penicillin', { criticality: 'high', reactions: ['Anaphylaxis'] });
    const draft = medication('Amoxicillin 500 MG Oral Capsule', { draft: true });
    const [finding, ...rest] = evaluate(context([penicillin]), { draftOrders: [draft] }).filter(
      (f) => f.category === 'allergy',
    );
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      ruleId: 'knowledge.allergy.drug',
      severity: 'critical',
      draftRefs: [draft.ref],
    });
    expect(finding!.refs).toEqual([draft.ref, penicillin.ref]);
    expect(finding!.summary).toMatch(/amoxicillin ordered .* penicillin allergy/);
    expect(finding!.detail).toMatch(/criticality high; reaction: Anaphylaxis/);
    expect(finding!.suggestions).toEqual([
      { label: 'Cancel the amoxicillin order', kind: 'delete-draft', draftRef: draft.ref },
    ]);
  });

  it('weighs cross-reactivity: shared side chain warns, other cephalosporins and carbapenems inform', () => {
    const penicillin = allergy('Penicillin allergy');
    expect(
      allergyFindings([allergy('Allergy to amoxicillin')], [['Cephalexin 500 MG Oral Capsule', {}]])[0]
        ?.severity,
    ).toBe('warning');
    expect(allergyFindings([penicillin], [['Ceftriaxone 1000 MG Injection', {}]])[0]?.severity).toBe('info');
    expect(allergyFindings([penicillin], [['Meropenem 1000 MG Injection', {}]])[0]?.severity).toBe('info');
    // After a severe reaction, even a low cross-reactivity is a warning.
    const anaphylaxis = allergy('Penicillin allergy', { reactions: ['Anaphylaxis'] });
    expect(allergyFindings([anaphylaxis], [['Ceftriaxone 1000 MG Injection', {}]])[0]?.severity).toBe(
      'warning',
    );
    expect(
      allergyFindings([allergy('Sulfonamide antibiotic allergy')], [['Bactrim DS tablet', {}]])[0]?.severity,
    ).toBe('critical');
  });

  it('reads the allergen from a coded RxNorm allergy and from class words', () => {
    const coded = allergy('amoxicillin', {
      codings: [
        { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '723', display: 'amoxicillin' },
      ],
    });
    expect(allergyFindings([coded], [['Ampicillin 500 MG Oral Capsule', {}]])[0]?.severity).toBe('critical');
    expect(allergyFindings([allergy('NSAIDs')], [['Naproxen 500 MG Oral Tablet', {}]])[0]?.severity).toBe(
      'warning',
    );
  });

  it('does not fire without a related drug, for food or environment allergies, or a refuted allergy class', () => {
    expect(
      allergyFindings([allergy('Allergy to penicillin')], [['Azithromycin 250 MG Oral Tablet', {}]]),
    ).toEqual([]);
    expect(
      allergyFindings([allergy('Allergy to peanuts', { category: 'food' })], [['Amoxicillin 500 MG', {}]]),
    ).toEqual([]);
    expect(
      allergyFindings([allergy('Latex allergy', { category: 'environment' })], [['Ibuprofen 200 MG', {}]]),
    ).toEqual([]);
    expect(allergyFindings([], [['Amoxicillin 500 MG', {}]])).toEqual([]);
  });

  it('on patient-view, flags a medication the chart already holds against an allergy', () => {
    const penicillin = allergy('Allergy to penicillin');
    const existing = medication('Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet');
    const [finding] = evaluate(context([penicillin, existing])).filter((f) => f.category === 'allergy');
    expect(finding).toMatchObject({ severity: 'critical', draftRefs: [], suggestions: [] });
    expect(finding!.summary).toMatch(/on the medication list/);
    expect(evaluate(context([penicillin, medication('Amoxicillin 500 MG', { status: 'stopped' })]))).toEqual(
      [],
    );
  });
});
