// Every row of the curated tables fires where its source says, and not past its limit: the tables are
// data, so each row is tested from the data itself.
import { describe, expect, it } from '@jest/globals';
import { context, lab, medication } from '../../test/fixtures.js';
import { evaluate } from '../evaluate.js';
import { interactionBetween } from '../queries.js';
import { identifyDrug } from '../vocabulary/identify-drug.js';
import { AGE_LIMITS } from './age-limits.js';
import { type ClassId, DRUG_CLASSES, type DrugClass } from './drug-classes.js';
import { INTERACTIONS } from './interactions.js';
import { RENAL_LIMITS } from './renal-limits.js';

/** An ingredient that has a tag: the ingredient itself, or a member of the class or of a subclass. */
function memberOf(tag: string, except: readonly string[] = []): string {
  const classes = Object.entries(DRUG_CLASSES) as Array<[ClassId, DrugClass]>;
  if (!(tag in DRUG_CLASSES)) return tag;
  const candidates = [
    ...DRUG_CLASSES[tag as ClassId].members,
    ...classes
      .filter(([, drugClass]) => drugClass.parents?.includes(tag))
      .flatMap(([, drugClass]) => drugClass.members),
  ];
  const member = candidates.find((name) => !except.includes(name));
  if (!member) throw new Error(`no member for ${tag}`);
  return member;
}

describe('the interaction table', () => {
  // Warfarin + an NSAID (aspirin included) is the PDDI-CDS rule's, with its modifiers: class rows are
  // tried with other members.
  const pddi = ['warfarin', 'acenocoumarol', 'phenprocoumon', 'aspirin'];
  it.each(INTERACTIONS.map((row) => [row.id, row] as const))(
    '%s fires for a member of each side',
    (_id, row) => {
      const a = identifyDrug(undefined, memberOf(row.a, pddi));
      const b = identifyDrug(undefined, memberOf(row.b, [...pddi, ...a.ingredients]));
      expect(a.ingredients.length).toBeGreaterThan(0);
      expect(interactionBetween(a, b)).toMatchObject({ id: row.id, severity: row.severity, risk: row.risk });
      expect(interactionBetween(b, a)?.id).toBe(row.id);
      // Not for either drug with one that interacts with nothing in the table.
      expect(interactionBetween(a, identifyDrug(undefined, 'levothyroxine'))).toBeUndefined();
    },
  );
});

describe('the renal limits', () => {
  const drugs = [...new Set(RENAL_LIMITS.map((row) => row.drug))];
  /** The severity the table gives a drug at an eGFR: the most severe row whose limit is above it. */
  const expected = (drug: string, egfr: number) =>
    RENAL_LIMITS.filter((row) => row.drug === drug && egfr < row.below).sort(
      (a, b) =>
        ({ critical: 2, warning: 1, info: 0 })[b.severity] - { critical: 2, warning: 1, info: 0 }[a.severity],
    )[0]?.severity;
  it.each(drugs)('%s: each limit applies below its value and not at it', (drug) => {
    const name = memberOf(drug);
    for (const row of RENAL_LIMITS.filter((candidate) => candidate.drug === drug)) {
      for (const egfr of [row.below - 1, row.below]) {
        const findings = evaluate(
          context([
            lab('62238-1', 'Glomerular filtration rate/1.73 sq M.predicted', egfr, 'mL/min/{1.73_m2}'),
          ]),
          { draftOrders: [medication(`${name} 10 MG Oral Tablet`, { draft: true })] },
        ).filter((finding) => finding.category === 'renal');
        expect(findings[0]?.severity).toBe(expected(drug, egfr));
      }
    }
  });
});

describe('the age limits', () => {
  it.each(AGE_LIMITS.map((row) => [row.id, row] as const))(
    '%s applies inside its age and not outside',
    (_id, row) => {
      const name = memberOf(row.drug, row.except ?? []);
      const ages = row.under !== undefined ? [row.under - 1, row.under] : [row.from!, row.from! - 1];
      const found = ages.map((ageYears) =>
        evaluate(context([], { ageYears }), {
          draftOrders: [medication(`${name} 10 MG Oral Tablet`, { draft: true })],
        })
          .filter((finding) => finding.ruleId === `knowledge.age.${row.id}`)
          .map((finding) => finding.severity),
      );
      expect(found).toEqual([[row.severity], []]);
    },
  );
});
