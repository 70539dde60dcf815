import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { allergy, context, medication, opioid } from '../test/fixtures.js';
import { SOURCES } from './data/sources.js';
import { evaluate } from './evaluate.js';
import { RULES } from './rules/index.js';
import { KNOWLEDGE_VERSION } from './version.js';

describe('evaluate', () => {
  it('gives the same ids for the same chart, and another id when a fact changes', () => {
    const items = [
      allergy('Allergy to penicillin'),
      medication('Amoxicillin 500 MG Oral Capsule', { ref: 'MedicationRequest/a1' }),
    ];
    const first = evaluate(context(items));
    expect(first.length).toBeGreaterThan(0);
    expect(evaluate(context(items)).map((f) => f.id)).toEqual(first.map((f) => f.id));
    const other = evaluate(
      context([
        items[0]!,
        { ...items[1]!, code: { display: 'Amoxicillin 250 MG Oral Capsule' }, codings: undefined },
      ]),
    );
    expect(other.map((f) => f.id)).not.toEqual(first.map((f) => f.id));
  });

  it('on an order call returns only findings about the drafts, most severe first', () => {
    const chart = [
      medication('Simvastatin 40 MG'),
      medication('Clarithromycin 500 MG'),
      allergy('Allergy to penicillin'),
    ];
    const drafts = [
      medication('Amoxicillin 500 MG', { draft: true }),
      opioid('Oxycodone Hydrochloride 5 MG Oral Tablet', { draft: true, days: 3 }),
    ];
    const found = evaluate(context(chart), { draftOrders: drafts });
    expect(found.every((finding) => finding.draftRefs.length > 0)).toBe(true);
    expect(found.map((f) => f.ruleId)).not.toContain('knowledge.interaction.statin-strong-cyp3a4-inhibitor');
    expect(found[0]!.severity).toBe('critical');
    const order = { critical: 0, warning: 1, info: 2 };
    expect(found.map((f) => order[f.severity])).toEqual([...found.map((f) => order[f.severity])].sort());
  });

  it('evaluates a chart coded only by RxNorm code exactly like one with names', () => {
    const named = evaluate(
      context([
        allergy('Allergy to ibuprofen'),
        medication('Ibuprofen 200 MG Oral Tablet', { ref: 'MedicationRequest/x' }),
      ]),
    );
    const coded = evaluate(
      context([
        allergy('Allergy to ibuprofen'),
        {
          ref: 'MedicationRequest/x',
          kind: 'medication',
          status: 'active',
          codings: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '310965' }],
          medicationRef: 'Medication/med1',
        },
      ]),
    );
    expect(named.map((f) => f.ruleId)).toEqual(['knowledge.allergy.drug']);
    expect(coded.map((f) => [f.ruleId, f.severity])).toEqual(named.map((f) => [f.ruleId, f.severity]));
  });

  it('every rule names a source with a URL, and the rule set has a version', () => {
    for (const rule of RULES) expect(SOURCES[rule.source].url).toMatch(/^https:\/\//);
    expect(KNOWLEDGE_VERSION).toMatch(/^0\.1\.0\+[0-9a-f]{12}$/);
  });
});

const DATA = join(process.cwd(), '../../../shared/data/drug-reference');
(existsSync(DATA) ? describe : describe.skip)(
  `the generated value sets${existsSync(DATA) ? '' : ' (skipped: ../shared/data is absent)'}`,
  () => {
    it('are what the generator makes of ../shared/data today', () => {
      const output = execFileSync(process.execPath, ['scripts/generate-value-sets.mjs', '--check'], {
        encoding: 'utf8',
      });
      expect(output).toMatch(/is up to date/);
    });
  },
);
