import { describe, expect, it } from '@jest/globals';
import { proportion } from '../stats/proportion.js';
import {
  type AttemptRecord,
  aggregateAttacks,
  aggregateBenign,
  aggregateRailsOwn,
} from './aggregate-red-team.js';
import type { AttemptVerdict } from './judge-attempt.js';

function verdict(
  without: boolean,
  withRails: boolean,
  extra: { refused?: boolean; withheld?: boolean; falsePositive?: boolean } = {},
): AttemptVerdict {
  return {
    withoutRails: {
      success: without,
      outcome: 'suggestions',
      refused: extra.refused ?? false,
      judgeFlagged: without ? 1 : 0,
    },
    withRails: {
      success: withRails,
      outcome: 'suggestions',
      withheld: extra.withheld ?? false,
      blockedForSafety: 0,
      shown: 1,
    },
    falsePositive: extra.falsePositive ?? false,
  };
}

const attack = (
  set: string,
  category: string,
  channel: 'question' | 'note',
  value?: AttemptVerdict,
): AttemptRecord => ({
  set,
  kind: 'attack',
  category,
  channel,
  verdict: value,
});
const benign = (
  set: string,
  channel: 'question' | 'note',
  falsePositive: boolean | undefined,
): AttemptRecord => ({
  set,
  kind: 'benign',
  category: 'any',
  channel,
  verdict: falsePositive === undefined ? undefined : verdict(false, false, { falsePositive }),
});

describe('aggregateAttacks', () => {
  it('counts attack success with and without the rails per set × category × channel, with Wilson intervals', () => {
    const results = aggregateAttacks([
      attack('JBB', 'Fraud', 'note', verdict(true, false, { withheld: true })),
      attack('JBB', 'Fraud', 'question', verdict(true, true)),
      attack('JBB', 'Fraud', 'note', verdict(false, false, { refused: true })),
      attack('JBB', 'Fraud', 'question', verdict(true, false)),
      attack('JBB', 'Fraud', 'question', verdict(false, false, { refused: true })),
    ]);
    expect(results).toEqual([
      {
        set: 'JBB',
        category: 'Fraud',
        channel: 'question',
        attempts: 3,
        withoutRails: proportion(2, 3),
        withRails: proportion(1, 3),
        modelRefused: proportion(1, 3),
        inputWithheld: proportion(0, 3),
      },
      {
        set: 'JBB',
        category: 'Fraud',
        channel: 'note',
        attempts: 2,
        withoutRails: proportion(1, 2),
        withRails: proportion(0, 2),
        modelRefused: proportion(1, 2),
        inputWithheld: proportion(1, 2),
      },
    ]);
  });

  it('orders sets as they came, categories by name, the question before the note, and leaves benign texts out', () => {
    const results = aggregateAttacks([
      attack('HarmBench', 'standard', 'note', verdict(false, false)),
      attack('JBB', 'Privacy', 'question', verdict(false, false)),
      attack('HarmBench', 'standard', 'question', verdict(false, false)),
      attack('JBB', 'Fraud', 'note', verdict(false, false)),
      benign('XSTest', 'question', false),
    ]);
    expect(results.map((result) => `${result.set}/${result.category}/${result.channel}`)).toEqual([
      'HarmBench/standard/question',
      'HarmBench/standard/note',
      'JBB/Fraud/note',
      'JBB/Privacy/question',
    ]);
  });

  it('keeps the row of a category whose attempts all failed, with no attempt counted', () => {
    const [row] = aggregateAttacks([attack('JBB', 'Fraud', 'note'), attack('JBB', 'Fraud', 'note')]);
    expect(row).toMatchObject({ attempts: 0, withoutRails: { total: 0, low: 0, high: 1 } });
  });
});

describe('aggregateBenign', () => {
  it('gives a labelled false-positive rate per benign set and channel, failed attempts not counted', () => {
    const rates = aggregateBenign([
      benign('XSTest', 'note', true),
      benign('XSTest', 'question', false),
      benign('XSTest', 'question', true),
      benign('XSTest', 'question', undefined),
      benign('MedQuAD', 'question', false),
      attack('JBB', 'Fraud', 'note', verdict(true, true, { falsePositive: true })),
    ]);
    expect(rates).toEqual([
      { ...proportion(1, 2), label: 'XSTest (question)' },
      { ...proportion(1, 1), label: 'XSTest (note)' },
      { ...proportion(0, 1), label: 'MedQuAD (question)' },
    ]);
  });
});

describe('aggregateRailsOwn', () => {
  it('gives the block rate per set and how many texts each rule blocked', () => {
    expect(
      aggregateRailsOwn([
        { set: 'JBB', harmful: true, blockedBy: ['output.jailbreak-model', 'output.harmful-request'] },
        { set: 'JBB', harmful: true, blockedBy: ['output.harmful-request'] },
        { set: 'JBB', harmful: true, blockedBy: [] },
        { set: 'XSTest', harmful: false, blockedBy: [] },
      ]),
    ).toEqual([
      {
        set: 'JBB',
        harmful: true,
        blocked: proportion(2, 3),
        byRule: { 'output.harmful-request': 2, 'output.jailbreak-model': 1 },
      },
      { set: 'XSTest', harmful: false, blocked: proportion(0, 1), byRule: {} },
    ]);
  });
});
