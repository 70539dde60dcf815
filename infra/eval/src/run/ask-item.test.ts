import { ALOE_SYSTEM_PROMPT } from '@aloe/shared/grpc';
import { describe, expect, it } from '@jest/globals';
import type { McqItem } from '../datasets/dataset.js';
import { type AskSettings, buildRequest, fewShotTurns, questionText } from './ask-item.js';

const item: McqItem = {
  id: 'q1',
  question: 'Which organ pumps blood?',
  options: [
    { key: 'A', text: 'Lungs' },
    { key: 'B', text: 'Heart' },
    { key: 'C', text: 'Liver' },
  ],
  answer: 'B',
};
const examples: McqItem[] = [
  { id: 'e1', question: 'Which cells carry oxygen?', options: item.options, answer: 'C' },
  {
    id: 'e2',
    question: 'Is the trial positive?',
    options: [
      { key: 'A', text: 'yes' },
      { key: 'B', text: 'no' },
    ],
    answer: 'B',
    context: 'Forty patients were randomised.',
  },
];
const settings: AskSettings = {
  strategy: 'direct',
  samples: 5,
  seed: 8,
  maxTokens: 1000,
  parseRetries: 3,
  deadlineMs: 60_000,
};

describe('buildRequest', () => {
  it('sends the question as multiple_choice after a lone system turn, with the model defaults on the first attempt', () => {
    const request = buildRequest(item, settings, [], 0);
    expect(request).toMatchObject({
      messages: [{ role: 'ROLE_SYSTEM', content: ALOE_SYSTEM_PROMPT }],
      multipleChoice: { question: 'Which organ pumps blood?', options: item.options },
      strategy: 'STRATEGY_DIRECT',
      samples: 0,
      maxTokens: 1000,
      sampling: { seed: 8 },
    });
    expect(request.sampling).not.toHaveProperty('temperature');
  });

  it('maps each strategy to the service and asks for samples only where they are voted on', () => {
    const asked = (strategy: AskSettings['strategy']) => {
      const request = buildRequest(item, { ...settings, strategy }, examples, 0);
      return [request.strategy, request.samples, request.messages!.length];
    };
    expect(asked('chain-of-thought')).toEqual(['STRATEGY_CHAIN_OF_THOUGHT', 0, 1]);
    expect(asked('self-consistency')).toEqual(['STRATEGY_SELF_CONSISTENCY', 5, 1]);
    expect(asked('choice-shuffle-ensemble')).toEqual(['STRATEGY_CHOICE_SHUFFLE_ENSEMBLE', 5, 1]);
    // Medprompt: the shuffled ensemble after two worked examples (user + assistant each).
    expect(asked('medprompt')).toEqual(['STRATEGY_CHOICE_SHUFFLE_ENSEMBLE', 5, 5]);
  });

  it('raises seed, temperature and max_tokens on each retry, as prompt_engine does', () => {
    const second = buildRequest(item, { ...settings, defaultTemperature: 0.6 }, [], 1);
    const fourth = buildRequest(item, { ...settings, defaultTemperature: 0.6 }, [], 3);
    expect(second).toMatchObject({ maxTokens: 1100, sampling: { seed: 9 } });
    expect(second.sampling?.temperature).toBeCloseTo(0.65, 10);
    expect(fourth).toMatchObject({ maxTokens: 1300, sampling: { seed: 11 } });
    expect(fourth.sampling?.temperature).toBeCloseTo(0.75, 10);
    // Capped at 1; with no published default, greedy (0) is the base, except self-consistency's 0.6.
    expect(buildRequest(item, { ...settings, defaultTemperature: 0.98 }, [], 2).sampling?.temperature).toBe(
      1,
    );
    expect(buildRequest(item, settings, [], 1).sampling?.temperature).toBeCloseTo(0.05, 10);
    expect(
      buildRequest(item, { ...settings, strategy: 'self-consistency' }, [], 1).sampling?.temperature,
    ).toBeCloseTo(0.65, 10);
  });
});

describe('fewShotTurns', () => {
  it('alternates the example question with its gold letter, ending on the assistant, abstract first', () => {
    expect(fewShotTurns(examples)).toEqual([
      { role: 'ROLE_USER', content: 'Which cells carry oxygen?\nA. Lungs\nB. Heart\nC. Liver' },
      { role: 'ROLE_ASSISTANT', content: 'Answer: [C]' },
      {
        role: 'ROLE_USER',
        content:
          'Abstract: Forty patients were randomised.\n\nQuestion: Is the trial positive?\nA. yes\nB. no',
      },
      { role: 'ROLE_ASSISTANT', content: 'Answer: [B]' },
    ]);
  });

  it('letters the options by position, whatever keys the file used', () => {
    const odd: McqItem = {
      id: 'x',
      question: 'Pick one',
      options: [
        { key: 'opa', text: 'first' },
        { key: 'opb', text: 'second' },
      ],
      answer: 'opb',
    };
    expect(fewShotTurns([odd])[1]).toEqual({ role: 'ROLE_ASSISTANT', content: 'Answer: [B]' });
  });
});

describe('questionText', () => {
  it('puts PubMedQA’s abstract before the question and leaves other questions alone', () => {
    expect(questionText(examples[1]!)).toBe(
      'Abstract: Forty patients were randomised.\n\nQuestion: Is the trial positive?',
    );
    expect(questionText(item)).toBe(item.question);
  });
});
