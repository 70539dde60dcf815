import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { doseAmountOf, grammarJsonSchema, ModelOutput, modelOutputFor } from './model-output.js';

const options = {
  citable: ['Patient/p1', 'MedicationRequest/amox', 'AllergyIntolerance/pen'],
  medications: ['MedicationRequest/amox'],
  drugs: ['azithromycin', 'metformin'],
  kinds: ['medication-safety' as const],
};
const answer = (action: Record<string, unknown>, citations = ['MedicationRequest/amox']) => ({
  suggestions: [
    {
      kind: 'medication-safety',
      title: 'Stop amoxicillin',
      text: 'Documented penicillin allergy.',
      severity: 'high',
      citations,
      actions: [action],
    },
  ],
});

describe('the model output contract', () => {
  it('takes the prompt’s references and the vocabulary’s drugs, and nothing else', () => {
    const schema = modelOutputFor(options);
    expect(
      schema.safeParse(answer({ type: 'stop', medication: 'MedicationRequest/amox', dose: null })).success,
    ).toBe(true);
    expect(
      schema.safeParse(
        answer({
          type: 'start',
          medication: 'azithromycin',
          dose: { amount: '500', unit: 'mg', frequency: 'once daily' },
        }),
      ).success,
    ).toBe(true);
    expect(schema.safeParse(answer({ type: 'monitor', medication: null, dose: null })).success).toBe(true);
    // A reference not in the prompt, a drug the rules do not know, an unknown action type.
    expect(
      schema.safeParse(answer({ type: 'stop', medication: 'MedicationRequest/other', dose: null })).success,
    ).toBe(false);
    expect(schema.safeParse(answer({ type: 'start', medication: 'unobtainium', dose: null })).success).toBe(
      false,
    );
    expect(schema.safeParse(answer({ type: 'prescribe', medication: null, dose: null })).success).toBe(false);
    expect(
      schema.safeParse(answer({ type: 'stop', medication: null, dose: null }, ['Observation/x'])).success,
    ).toBe(false);
    // Every field is present (the grammar writes them all): a missing dose is refused.
    expect(schema.safeParse(answer({ type: 'stop', medication: null })).success).toBe(false);
    // What the per-request schema takes, the general one takes too.
    expect(
      ModelOutput.safeParse(answer({ type: 'stop', medication: 'MedicationRequest/amox', dose: null }))
        .success,
    ).toBe(true);
  });

  it('becomes a JSON schema in the grammar’s subset: unions as oneOf, enums for references and drugs', () => {
    const json = grammarJsonSchema(modelOutputFor(options));
    const text = JSON.stringify(json);
    expect(text).not.toContain('anyOf');
    expect(text).not.toContain('required');
    expect(text).not.toContain('$schema');
    type Node = { properties: Record<string, Node>; items: Node; oneOf: Node[]; enum: string[] };
    const suggestion = (json as unknown as Node).properties.suggestions!.items;
    expect(suggestion.properties.citations!.items.enum).toEqual(options.citable);
    const medication = suggestion.properties.actions!.items.properties.medication!;
    expect(medication.oneOf[0]!.enum).toEqual(['MedicationRequest/amox', 'azithromycin', 'metformin']);
    expect(medication.oneOf[1]).toEqual({ type: 'null' });
    expect(suggestion.properties.actions!.items.properties.dose!.oneOf[1]).toEqual({ type: 'null' });
  });

  it('reads a dose amount only when it is a positive decimal', () => {
    const amount = (text: string) => doseAmountOf({ amount: text, unit: 'mg', frequency: 'once daily' });
    expect([amount('500'), amount('0.5'), amount('12.25')]).toEqual([500, 0.5, 12.25]);
    for (const text of ['0', '-5', '1e9999', '5 mg', '.5', '1,000', 'Infinity', '00.0'])
      expect(amount(text)).toBeUndefined();
  });

  it('refuses a schema the grammar would silently weaken', () => {
    expect(() => grammarJsonSchema(z.object({ a: z.string().optional() }))).toThrow(/optional/);
    expect(() => grammarJsonSchema(z.object({ a: z.string().regex(/^x/) }))).toThrow(/pattern/);
    expect(() => grammarJsonSchema(z.object({ a: z.number().positive() }))).toThrow(/exclusiveMinimum/);
    expect(() => modelOutputFor({ ...options, citable: [] })).toThrow(/citable/);
  });
});
