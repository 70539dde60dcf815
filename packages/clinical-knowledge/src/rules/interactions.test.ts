import { describe, expect, it } from '@jest/globals';
import { condition, context, lab, medication } from '../../test/fixtures.js';
import { evaluate } from '../evaluate.js';

const interactions = (
  items: Parameters<typeof context>[0],
  drafts: ReturnType<typeof medication>[] = [],
  patient = {},
) =>
  evaluate(context(items, patient), { draftOrders: drafts }).filter(
    (finding) => finding.category === 'interaction',
  );

describe('the interaction table', () => {
  it('fires on a draft that interacts with the chart, citing both', () => {
    const phenelzine = medication('Phenelzine 15 MG Oral Tablet');
    const draft = medication('Sertraline 50 MG Oral Tablet', { draft: true });
    const [finding] = interactions([phenelzine], [draft]);
    expect(finding).toMatchObject({
      ruleId: 'knowledge.interaction.maoi-serotonergic',
      severity: 'critical',
    });
    expect(finding!.refs.sort()).toEqual([phenelzine.ref, draft.ref].sort());
    expect(finding!.suggestions).toEqual([
      { label: 'Cancel the sertraline order', kind: 'delete-draft', draftRef: draft.ref },
    ]);
  });

  it('on order calls, leaves out pairs the chart already had; on patient-view reports them', () => {
    const simvastatin = medication('Simvastatin 40 MG Oral Tablet');
    const clarithromycin = medication('Clarithromycin 500 MG Oral Tablet');
    expect(
      interactions([simvastatin, clarithromycin], [medication('Acetaminophen 500 MG', { draft: true })]),
    ).toEqual([]);
    expect(interactions([simvastatin, clarithromycin])[0]).toMatchObject({
      ruleId: 'knowledge.interaction.statin-strong-cyp3a4-inhibitor',
      severity: 'critical',
    });
  });

  it('does not fire for drugs that do not interact, or for a renewal of the same drug', () => {
    expect(
      interactions([medication('Lisinopril 10 MG')], [medication('Amlodipine 5 MG', { draft: true })]),
    ).toEqual([]);
    expect(
      interactions(
        [medication('Warfarin Sodium 5 MG')],
        [medication('Warfarin Sodium 2 MG', { draft: true })],
      ),
    ).toEqual([]);
  });
});

describe('warfarin + NSAIDs (PDDI-CDS)', () => {
  const warfarin = () => medication('Warfarin Sodium 5 MG Oral Tablet');
  const ketorolac = () => medication('Ketorolac Tromethamine 10 MG Oral Tablet', { draft: true });

  it('is critical without gastric protection, with acetaminophen alternatives and a PPI suggestion', () => {
    const draft = ketorolac();
    const [finding] = interactions([warfarin()], [draft], { ageYears: 40 });
    expect(finding).toMatchObject({ ruleId: 'knowledge.interaction.warfarin-nsaids', severity: 'critical' });
    expect(finding!.suggestions.map((s) => s.kind)).toEqual([
      'delete-draft',
      'create-medication',
      'create-medication',
      'create-medication',
    ]);
    expect(finding!.suggestions[1]!.code).toMatchObject({ code: '313782' });
    expect(finding!.detail).toMatch(/not taking a proton-pump inhibitor/);
  });

  it('is a warning with a PPI, and names each risk factor with its evidence', () => {
    const ppi = medication('Omeprazole 20 MG Delayed Release Oral Capsule', { rxnorm: '198051' });
    const bleed = condition('Acute duodenal ulcer with hemorrhage', {
      snomed: '12847006',
      date: '2025-01-01',
    });
    const steroid = medication('predniSONE 5 MG Oral Tablet');
    const spironolactone = medication('Spironolactone 25 MG Oral Tablet');
    const [finding] = interactions([warfarin(), ppi, bleed, steroid, spironolactone], [ketorolac()], {
      ageYears: 70,
    });
    expect(finding!.severity).toBe('warning');
    expect(finding!.detail).toMatch(/age over 65 \(70\)/);
    expect(finding!.detail).toMatch(/upper GI bleeding \(Acute duodenal ulcer with hemorrhage, 2025-01-01\)/);
    expect(finding!.detail).toMatch(/systemic corticosteroid \(prednisone\)/);
    expect(finding!.detail).toMatch(/aldosterone antagonist \(spironolactone\)/);
    for (const item of [ppi, bleed, steroid, spironolactone]) expect(finding!.refs).toContain(item.ref);
  });

  it('names another NSAID on the chart as a risk factor, and not a topical one', () => {
    const naproxen = medication('Naproxen 500 MG Oral Tablet');
    const [finding] = interactions([warfarin(), naproxen], [ketorolac()], { ageYears: 40 });
    expect(finding!.detail).toMatch(/another NSAID \(naproxen\)/);
    expect(finding!.refs).toContain(naproxen.ref);
    const gel = medication('Diclofenac Sodium 10 MG/ML Topical Gel');
    expect(
      interactions([warfarin(), gel], [ketorolac()], { ageYears: 40 }).find(
        (f) => f.refs.includes(gel.ref) && f.detail.includes('another NSAID'),
      ),
    ).toBeUndefined();
  });

  it('is information only for topical diclofenac', () => {
    const [finding] = interactions(
      [warfarin()],
      [medication('Diclofenac Sodium 10 MG/ML Topical Gel', { draft: true })],
    );
    expect(finding).toMatchObject({ severity: 'info', action: 'No special precautions.' });
  });

  it('also fires when warfarin is the draft and the NSAID is on the chart', () => {
    const [finding] = interactions(
      [medication('Ibuprofen 400 MG Oral Tablet')],
      [medication('Warfarin Sodium 5 MG', { draft: true })],
    );
    expect(finding?.ruleId).toBe('knowledge.interaction.warfarin-nsaids');
  });

  it('does not fire for a stopped warfarin', () => {
    expect(interactions([medication('Warfarin Sodium 5 MG', { status: 'stopped' })], [ketorolac()])).toEqual(
      [],
    );
  });
});

describe('digoxin + cyclosporine (PDDI-CDS)', () => {
  const normalLabs = () => [
    lab('75940-7', 'Potassium [Mass/volume] in Blood', 4.1, 'mEq/L'),
    lab('19123-9', 'Magnesium [Mass/volume] in Serum or Plasma', 0.8, 'mmol/L'),
    lab('17861-6', 'Calcium [Mass/volume] in Serum or Plasma', 9.1, 'mg/dL'),
    lab('2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 0.9, 'mg/dL'),
  ];

  it('is critical when cyclosporine starts for a patient on digoxin without a recent digoxin level', () => {
    const [finding] = interactions(
      [medication('Digoxin 0.25 MG Oral Tablet')],
      [medication('cyclosporine, modified 50 MG Oral Capsule', { draft: true })],
    );
    expect(finding).toMatchObject({
      ruleId: 'knowledge.interaction.digoxin-cyclosporine',
      severity: 'critical',
    });
    expect(finding!.detail).toMatch(/No digoxin level in the last 30 days/);
  });

  it('is information for a continuing combination with a normal level, normal labs and no diuretic', () => {
    const level = lab('10535-3', 'Digoxin [Mass/volume] in Serum or Plasma', 0.7, 'ng/mL', 5);
    const labs = normalLabs();
    const [finding] = interactions(
      [medication('Digoxin 0.25 MG Oral Tablet'), medication('Cyclosporine 100 MG'), level, ...labs],
      [medication('Digoxin 0.2 MG Oral Capsule', { draft: true })],
    );
    expect(finding!.severity).toBe('info');
    for (const item of [level, ...labs]) expect(finding!.refs).toContain(item.ref);
  });

  it('is a warning with a loop diuretic, a stale level, or an ophthalmic cyclosporine not at all', () => {
    const level = lab('10535-3', 'Digoxin [Mass/volume] in Serum or Plasma', 0.7, 'ng/mL', 5);
    const chart = [
      medication('Digoxin 0.25 MG Oral Tablet'),
      medication('Cyclosporine 100 MG'),
      level,
      ...normalLabs(),
    ];
    expect(
      interactions(
        [...chart, medication('Furosemide 40 MG Oral Tablet')],
        [medication('Digoxin 0.2 MG', { draft: true })],
      )[0]!.severity,
    ).toBe('warning');
    const stale = lab('10535-3', 'Digoxin [Mass/volume] in Serum or Plasma', 0.7, 'ng/mL', 45);
    expect(
      interactions(
        [chart[0]!, chart[1]!, stale, ...normalLabs()],
        [medication('Digoxin 0.2 MG', { draft: true })],
      )[0]!.severity,
    ).toBe('warning');
    expect(
      interactions(
        [medication('Digoxin 0.25 MG')],
        [medication('Cyclosporine 0.5 MG/ML Ophthalmic Emulsion', { draft: true })],
      ),
    ).toEqual([]);
  });
});
