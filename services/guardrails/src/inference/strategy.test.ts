import { modelOutputFor } from '@aloe/shared/schemas';
import { describe, expect, it } from '@jest/globals';
import { actionsKey, reasoningIn, strategyFor, voteOnActions } from './strategy.js';

const schema = modelOutputFor({
  citable: ['Patient/p', 'MedicationRequest/ibu'],
  medications: ['MedicationRequest/ibu'],
  drugs: ['acetaminophen'],
  kinds: ['medication-safety'],
});
const answer = (actions: Array<[string, string | null]>, title = 'A title') =>
  JSON.stringify({
    suggestions: [
      {
        kind: 'medication-safety',
        title,
        text: 'Text.',
        severity: 'high',
        citations: ['MedicationRequest/ibu'],
        actions: actions.map(([type, medication]) => ({ type, medication, dose: null })),
      },
    ],
  });

describe('inference strategies in the pipeline', () => {
  it('asks with the most thorough strategy any task of the context wants', () => {
    const strategies = {
      'medication-safety': 'chain-of-thought',
      'care-gaps': 'self-consistency',
      summary: 'direct',
    } as const;
    expect(strategyFor(['summary'], strategies)).toBe('direct');
    expect(strategyFor(['summary', 'medication-safety'], strategies)).toBe('chain-of-thought');
    expect(strategyFor(['medication-safety', 'care-gaps'], strategies)).toBe('self-consistency');
  });

  it('lets the samples vote with what they propose, whatever their wording, and skips unparsable ones', () => {
    const stop = answer([['stop', 'MedicationRequest/ibu']], 'Stop ibuprofen');
    const vote = voteOnActions(
      [
        { answer: answer([['continue', 'MedicationRequest/ibu']]) },
        { answer: 'not json' },
        { answer: stop },
        { answer: answer([['stop', 'MedicationRequest/ibu']], 'Ibuprofen: stop it') },
        { answer: answer([['start', 'unobtainium']]) }, // outside the contract: no vote
      ],
      schema,
    )!;
    expect(vote.votes).toEqual([
      { actions: 'stop:MedicationRequest/ibu', count: 2 },
      { actions: 'continue:MedicationRequest/ibu', count: 1 },
    ]);
    expect(vote.chosen).toBe(2);
    expect(vote.output.suggestions[0]!.title).toBe('Stop ibuprofen');
    expect(voteOnActions([{ answer: '{}' }], schema)).toBeUndefined();
  });

  it('keys an answer by its sorted actions, and reads the reasoning of a reasoning strategy', () => {
    const output = schema.parse(
      JSON.parse(
        answer([
          ['start', 'acetaminophen'],
          ['stop', 'MedicationRequest/ibu'],
        ]),
      ),
    );
    expect(actionsKey(output)).toBe('start:acetaminophen | stop:MedicationRequest/ibu');
    expect(reasoningIn('{"reasoning":"INR 3.6 on warfarin","answer":{}}')).toBe('INR 3.6 on warfarin');
    expect(reasoningIn('{"suggestions":[]}')).toBeUndefined();
    expect(reasoningIn('not json')).toBeUndefined();
  });
});
