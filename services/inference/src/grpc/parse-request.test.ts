import { InvalidInputError } from '@aloe/shared/errors';
import type { GenerateRequest__Output } from '@aloe/shared/grpc';
import { describe, expect, it } from '@jest/globals';
import { parseGenerateRequest } from './parse-request.js';

const defaults = { maxTokens: 256, samples: 5 };
const question = {
  question: 'Is warfarin an anticoagulant?',
  options: [
    { key: 'yes', text: 'yes' },
    { key: 'no', text: 'no' },
    { key: 'maybe', text: 'maybe' },
  ],
};
const system = { role: 'ROLE_SYSTEM', content: 'Answer like the examples.' } as const;
const exampleQuestion = {
  role: 'ROLE_USER',
  content: 'Is heparin an anticoagulant?\nA. yes\nB. no',
} as const;
const exampleAnswer = { role: 'ROLE_ASSISTANT', content: 'It inhibits thrombin. Answer: [A]' } as const;

function raw(overrides: Partial<GenerateRequest__Output>): GenerateRequest__Output {
  return {
    requestId: 'r-1',
    messages: [],
    sampling: null,
    maxTokens: 0,
    jsonSchema: '',
    strategy: 'STRATEGY_DIRECT',
    samples: 0,
    multipleChoice: null,
    ...overrides,
  };
}

function refusal(request: GenerateRequest__Output): string {
  try {
    parseGenerateRequest(request, defaults);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('the request was accepted');
}

const strategies = [
  'STRATEGY_UNSPECIFIED',
  'STRATEGY_DIRECT',
  'STRATEGY_CHAIN_OF_THOUGHT',
  'STRATEGY_SELF_CONSISTENCY',
  'STRATEGY_CHOICE_SHUFFLE_ENSEMBLE',
] as const;

describe('parseGenerateRequest with multiple_choice', () => {
  it.each(strategies)('%s accepts the question with no messages', (strategy) => {
    const request = parseGenerateRequest(raw({ strategy, multipleChoice: question }), defaults);
    expect(request.multipleChoice).toEqual(question);
    expect(request.messages).toEqual([]);
  });

  it.each(strategies)('%s keeps system turns and worked examples, in order', (strategy) => {
    const request = parseGenerateRequest(
      raw({ strategy, multipleChoice: question, messages: [system, exampleQuestion, exampleAnswer] }),
      defaults,
    );
    expect(request.messages).toEqual([
      { role: 'system', content: system.content },
      { role: 'user', content: exampleQuestion.content },
      { role: 'assistant', content: exampleAnswer.content },
    ]);
  });

  it.each(strategies)('%s refuses messages that end with a user turn, naming the field', (strategy) => {
    expect(refusal(raw({ strategy, multipleChoice: question, messages: [system, exampleQuestion] }))).toMatch(
      /^messages: with multiple_choice the question is the last user turn/,
    );
  });

  it('refuses option keys that differ only in case', () => {
    const options = [
      { key: 'a', text: 'one' },
      { key: 'A', text: 'two' },
    ];
    expect(refusal(raw({ strategy: 'STRATEGY_DIRECT', multipleChoice: { question: 'q', options } }))).toBe(
      'multiple_choice.options: keys must be distinct',
    );
  });

  it('takes the voting strategies’ sample count, and one sample otherwise', () => {
    const parse = (strategy: (typeof strategies)[number]) =>
      parseGenerateRequest(raw({ strategy, multipleChoice: question, samples: 7 }), defaults).samples;
    expect(strategies.map(parse)).toEqual([1, 1, 1, 7, 7]);
  });
});

describe('parseGenerateRequest without multiple_choice', () => {
  it('still needs messages that end with a user turn', () => {
    expect(refusal(raw({ strategy: 'STRATEGY_CHAIN_OF_THOUGHT' }))).toBe(
      'messages: at least one message is required',
    );
    expect(refusal(raw({ messages: [exampleQuestion, exampleAnswer] }))).toBe(
      'messages: the last message must have ROLE_USER',
    );
  });

  it('still requires the question for STRATEGY_CHOICE_SHUFFLE_ENSEMBLE', () => {
    expect(refusal(raw({ strategy: 'STRATEGY_CHOICE_SHUFFLE_ENSEMBLE', messages: [exampleQuestion] }))).toBe(
      'multiple_choice: required by STRATEGY_CHOICE_SHUFFLE_ENSEMBLE',
    );
  });
});
