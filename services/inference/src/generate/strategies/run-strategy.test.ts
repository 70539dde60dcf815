import { describe, expect, it } from '@jest/globals';
import type { ChatTurn, Generation, Generator, InferenceRequest } from '../types.js';
import { parseAnswer } from './parse-answer.js';
import { distinctPermutations, mapAnswerBack } from './permutations.js';
import {
  CHAIN_OF_THOUGHT_SUFFIX,
  firstTurns,
  JSON_CHAIN_OF_THOUGHT_SUFFIX,
  runStrategy,
  withReasoning,
} from './run-strategy.js';
import { createSeededRandom } from './seeded-random.js';
import { majorityVote } from './vote.js';

const generation = (text: string, json: unknown = undefined): Generation => ({
  text,
  json,
  stopReason: 'eog',
  promptTokens: 10,
  completionTokens: 5,
});

function request(overrides: Partial<InferenceRequest>): InferenceRequest {
  return {
    requestId: 'r-1',
    messages: [{ role: 'user', content: 'Which drug?' }],
    sampling: { seed: 100 },
    maxTokens: 64,
    jsonSchema: undefined,
    strategy: 'DIRECT',
    samples: 1,
    multipleChoice: undefined,
    ...overrides,
  };
}

/** A generator that answers from a script and records what it was asked. */
function scripted(answers: string[]) {
  const calls: Array<{ turns: ChatTurn[]; seed: number | undefined; temperature: number | undefined }> = [];
  const generate: Generator = async (turns, options) => {
    calls.push({ turns, seed: options.sampling.seed, temperature: options.sampling.temperature });
    return generation(answers[calls.length - 1] ?? '');
  };
  return { generate, calls };
}

describe('majorityVote', () => {
  it('counts answers, ignores unparsed ones and sorts by count', () => {
    expect(majorityVote(['B', undefined, 'A', 'B', 'C', 'A', 'B'])).toEqual({
      winner: 'B',
      votes: [
        { answer: 'B', count: 3 },
        { answer: 'A', count: 2 },
        { answer: 'C', count: 1 },
      ],
    });
  });

  it('breaks a tie in favour of the answer seen first', () => {
    expect(majorityVote(['C', 'A', 'A', 'C']).winner).toBe('C');
    expect(majorityVote(['A', 'C', 'C', 'A']).winner).toBe('A');
  });

  it('has no winner when nothing parsed', () => {
    expect(majorityVote([undefined, undefined])).toEqual({ winner: undefined, votes: [] });
  });
});

describe('parseAnswer', () => {
  it.each([
    ['Reasoning… Answer: [C]', 'C'],
    ['answer: b\nmore text\nAnswer: D', 'D'],
    ['The answer is (A)', 'A'],
    ['no verdict here', undefined],
  ])('reads %j as %j', (text, expected) => {
    expect(parseAnswer(text, undefined)).toBe(expected);
  });

  it('keeps only valid option keys, matched case-insensitively', () => {
    expect(parseAnswer('Answer: [b]', undefined, ['A', 'B', 'C'])).toBe('B');
    expect(parseAnswer('Answer: [E]', undefined, ['A', 'B', 'C'])).toBeUndefined();
  });

  it('reads the answer field of JSON output, or the canonical JSON', () => {
    expect(parseAnswer('', { answer: 'yes', why: 'x' })).toBe('yes');
    expect(parseAnswer('', { b: 1, a: [2] })).toBe('{"a":[2],"b":1}');
  });
});

describe('distinctPermutations', () => {
  it('gives the identity first, then distinct seeded shuffles', () => {
    const permutations = distinctPermutations(4, 6, createSeededRandom(1));
    expect(permutations[0]).toEqual([0, 1, 2, 3]);
    expect(new Set(permutations.map((p) => p.join())).size).toBe(6);
    for (const permutation of permutations) expect([...permutation].sort()).toEqual([0, 1, 2, 3]);
    expect(distinctPermutations(4, 6, createSeededRandom(1))).toEqual(permutations);
  });

  it('never gives more than size! permutations', () => {
    expect(distinctPermutations(3, 50, createSeededRandom(2))).toHaveLength(6);
    expect(distinctPermutations(1, 5, createSeededRandom(2))).toEqual([[0]]);
  });
});

describe('mapAnswerBack', () => {
  it('maps the letter shown at a position to the original option key', () => {
    // Shown order: original options 2, 0, 3, 1 → shown A=orig C, B=orig A, C=orig D, D=orig B.
    const permutation = [2, 0, 3, 1];
    const keys = ['A', 'B', 'C', 'D'];
    expect(['A', 'B', 'C', 'D'].map((letter) => mapAnswerBack(letter, permutation, keys))).toEqual([
      'C',
      'A',
      'D',
      'B',
    ]);
    expect(mapAnswerBack('E', permutation, keys)).toBeUndefined();
    expect(mapAnswerBack(undefined, permutation, keys)).toBeUndefined();
  });
});

describe('runStrategy', () => {
  it('DIRECT generates once with the request as it is', async () => {
    const { generate, calls } = scripted(['hello']);
    const outcome = await runStrategy(request({}), generate);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.turns).toEqual([{ role: 'user', content: 'Which drug?' }]);
    expect(outcome.generation.text).toBe('hello');
    expect(outcome.votes).toEqual([]);
  });

  it('CHAIN_OF_THOUGHT asks for step-by-step reasoning and parses the answer', async () => {
    const { generate, calls } = scripted(['Step 1… Answer: [B]']);
    const outcome = await runStrategy(request({ strategy: 'CHAIN_OF_THOUGHT' }), generate);
    expect(calls[0]?.turns.at(-1)?.content).toBe(`Which drug?\n\n${CHAIN_OF_THOUGHT_SUFFIX}`);
    expect(outcome.answer).toBe('B');
  });

  it('CHAIN_OF_THOUGHT with a JSON schema reasons in its own field and returns the answer alone', async () => {
    const schema = { type: 'object', properties: { actions: { type: 'array' } } };
    const calls: ChatTurn[][] = [];
    const answer = { actions: ['stop'] };
    const generate: Generator = async (turns) => {
      calls.push(turns);
      return generation(JSON.stringify({ reasoning: 'INR high', answer }), { reasoning: 'INR high', answer });
    };
    const outcome = await runStrategy(
      request({ strategy: 'CHAIN_OF_THOUGHT', jsonSchema: { schema, text: JSON.stringify(schema) } }),
      generate,
    );
    expect(calls[0]?.at(-1)?.content).toBe(`Which drug?\n\n${JSON_CHAIN_OF_THOUGHT_SUFFIX}`);
    expect(outcome.generation.json).toEqual(answer);
    expect(outcome.generation.text).toContain('INR high');
    expect(withReasoning(schema)).toMatchObject({
      properties: { reasoning: { type: 'string' }, answer: schema },
    });
  });

  it('SELF_CONSISTENCY with a JSON schema votes on the answers, not on the reasoning', async () => {
    const outputs = [
      { reasoning: 'one way', answer: { actions: ['stop'] } },
      { reasoning: 'another way', answer: { actions: ['hold'] } },
      { reasoning: 'a third way', answer: { actions: ['stop'] } },
    ];
    let call = 0;
    const generate: Generator = async () => {
      const output = outputs[call++]!;
      return generation(JSON.stringify(output), output);
    };
    const schema = { type: 'object' };
    const outcome = await runStrategy(
      request({ strategy: 'SELF_CONSISTENCY', samples: 3, jsonSchema: { schema, text: '{}' } }),
      generate,
    );
    expect(outcome.votes).toEqual([
      { answer: '{"actions":["stop"]}', count: 2 },
      { answer: '{"actions":["hold"]}', count: 1 },
    ]);
    expect(outcome.generation.json).toEqual({ actions: ['stop'] });
    expect(outcome.samples.map((sample) => sample.text)).toEqual(
      outputs.map((output) => JSON.stringify(output)),
    );
  });

  it('SELF_CONSISTENCY samples N times with distinct seeds and returns the majority with its votes', async () => {
    const { generate, calls } = scripted(['Answer: A', 'Answer: B', 'Answer: B', 'nothing', 'Answer: B']);
    const outcome = await runStrategy(request({ strategy: 'SELF_CONSISTENCY', samples: 5 }), generate);
    expect(calls.map((call) => call.seed)).toEqual([100, 101, 102, 103, 104]);
    expect(calls.every((call) => call.temperature === 0.6)).toBe(true);
    expect(outcome.answer).toBe('B');
    expect(outcome.votes).toEqual([
      { answer: 'B', count: 3 },
      { answer: 'A', count: 1 },
    ]);
    expect(outcome.generation.text).toBe('Answer: B');
    expect(outcome.samples.map((sample) => sample.answer)).toEqual(['A', 'B', 'B', undefined, 'B']);
    expect(outcome.completionTokens).toBe(25);
  });

  it('CHOICE_SHUFFLE_ENSEMBLE shuffles the options, maps each answer back and votes', async () => {
    const options = [
      { key: 'A', text: 'warfarin' },
      { key: 'B', text: 'ibuprofen' },
      { key: 'C', text: 'paracetamol' },
      { key: 'D', text: 'aspirin' },
    ];
    // A model that always picks "paracetamol", wherever it is shown.
    const seen: string[] = [];
    const generate: Generator = async (turns) => {
      const prompt = turns.at(-1)?.content ?? '';
      seen.push(prompt);
      const line = prompt.split('\n').find((l) => l.endsWith('. paracetamol'));
      return generation(`Answer: [${line?.[0]}]`);
    };
    const outcome = await runStrategy(
      request({
        strategy: 'CHOICE_SHUFFLE_ENSEMBLE',
        samples: 5,
        messages: [{ role: 'system', content: 'Be brief.' }],
        multipleChoice: { question: 'Safest analgesic on warfarin?', options },
      }),
      generate,
    );
    expect(new Set(seen).size).toBe(5); // five distinct orders
    expect(seen[0]).toContain('A. warfarin\nB. ibuprofen\nC. paracetamol\nD. aspirin');
    expect(seen[0]).toContain('X must be A, B, C, or D');
    expect(outcome.answer).toBe('C');
    expect(outcome.votes).toEqual([{ answer: 'C', count: 5 }]);
    expect(outcome.samples.every((sample) => sample.answer === 'C')).toBe(true);
  });

  it('CHOICE_SHUFFLE_ENSEMBLE keeps the original option keys, whatever they are', async () => {
    const generate: Generator = async () => generation('Answer: [B]'); // always the second shown option
    const outcome = await runStrategy(
      request({
        strategy: 'CHOICE_SHUFFLE_ENSEMBLE',
        samples: 2,
        multipleChoice: {
          question: 'q',
          options: [
            { key: 'yes', text: 'yes' },
            { key: 'no', text: 'no' },
          ],
        },
      }),
      generate,
    );
    // Identity shows [yes, no] → B = no; the swap shows [no, yes] → B = yes: a 1–1 tie, first seen wins.
    expect(outcome.votes).toEqual([
      { answer: 'no', count: 1 },
      { answer: 'yes', count: 1 },
    ]);
    expect(outcome.answer).toBe('no');
  });
});

describe('runStrategy with a multiple-choice question', () => {
  // Medprompt's shape: a system turn, then worked examples as user/assistant pairs, then the question.
  const context: ChatTurn[] = [
    { role: 'system', content: 'Answer like the worked examples.' },
    { role: 'user', content: 'Does aspirin prevent stroke after TIA?\nA. yes\nB. no\nC. maybe' },
    { role: 'assistant', content: 'Trials show fewer recurrent strokes. Answer: [A]' },
    { role: 'user', content: 'Does vitamin C cure sepsis?\nA. yes\nB. no\nC. maybe' },
    { role: 'assistant', content: 'Trials found no mortality benefit. Answer: [B]' },
  ];
  const question = {
    question: 'Does statin therapy reduce mortality in the very old?',
    options: [
      { key: 'yes', text: 'Yes' },
      { key: 'no', text: 'No' },
      { key: 'maybe', text: 'The evidence is unclear' },
    ],
  };
  const asked = (overrides: Partial<InferenceRequest>) =>
    request({ messages: context, multipleChoice: question, samples: 3, ...overrides });
  const inOriginalOrder = 'A. Yes\nB. No\nC. The evidence is unclear';

  it.each(['DIRECT', 'CHAIN_OF_THOUGHT', 'SELF_CONSISTENCY', 'CHOICE_SHUFFLE_ENSEMBLE'] as const)(
    '%s asks the question as the last user turn, after every context turn in order',
    async (strategy) => {
      const { generate, calls } = scripted(['Answer: [A]', 'Answer: [A]', 'Answer: [A]']);
      await runStrategy(asked({ strategy }), generate);
      expect(calls.length).toBe(strategy === 'DIRECT' || strategy === 'CHAIN_OF_THOUGHT' ? 1 : 3);
      for (const { turns } of calls) {
        expect(turns.slice(0, -1)).toEqual(context);
        expect(turns.at(-1)?.role).toBe('user');
        expect(turns.at(-1)?.content.startsWith(`${question.question}\nA. `)).toBe(true);
      }
      expect(firstTurns(asked({ strategy }))).toEqual(calls[0]?.turns);
    },
  );

  it('DIRECT asks for the letter alone and maps it back to the original key', async () => {
    const { generate, calls } = scripted(['Answer: [C]']);
    const outcome = await runStrategy(asked({ strategy: 'DIRECT' }), generate);
    const prompt = calls[0]?.turns.at(-1)?.content ?? '';
    expect(prompt).toContain(inOriginalOrder);
    expect(prompt).toContain('Reply only with Answer: [X] where X must be A, B, or C.');
    expect(prompt).not.toContain('step by step');
    expect(outcome.answer).toBe('maybe');
    expect(outcome.generation.text).toBe('Answer: [C]');
    expect(outcome.votes).toEqual([]);
    expect(outcome.samples).toEqual([]);
  });

  it('CHAIN_OF_THOUGHT asks for reasoning, then maps the final letter back', async () => {
    const { generate, calls } = scripted(['Older trials say A, but… Answer: [b]']);
    const outcome = await runStrategy(asked({ strategy: 'CHAIN_OF_THOUGHT' }), generate);
    const prompt = calls[0]?.turns.at(-1)?.content ?? '';
    expect(prompt).toContain(inOriginalOrder);
    expect(prompt).toContain(
      "Let's think step by step. Include Answer: [X] at the end where X must be A, B, or C.",
    );
    expect(outcome.answer).toBe('no');
    expect(outcome.votes).toEqual([]);
  });

  it('SELF_CONSISTENCY votes over N samples of one prompt at the voting temperature', async () => {
    const { generate, calls } = scripted(['Answer: [A]', 'Answer: [C]', 'unsure', 'Answer: [C]']);
    const outcome = await runStrategy(asked({ strategy: 'SELF_CONSISTENCY', samples: 4 }), generate);
    expect(calls.map((call) => call.seed)).toEqual([100, 101, 102, 103]);
    expect(calls.every((call) => call.temperature === 0.6)).toBe(true);
    expect(new Set(calls.map((call) => call.turns.at(-1)?.content)).size).toBe(1);
    expect(calls[0]?.turns.at(-1)?.content).toContain(inOriginalOrder);
    expect(outcome.samples.map((sample) => sample.answer)).toEqual(['yes', 'maybe', undefined, 'maybe']);
    expect(outcome.votes).toEqual([
      { answer: 'maybe', count: 2 },
      { answer: 'yes', count: 1 },
    ]);
    expect(outcome.answer).toBe('maybe');
    expect(outcome.generation.text).toBe('Answer: [C]');
  });

  it('CHOICE_SHUFFLE_ENSEMBLE keeps the worked examples before every shuffled question', async () => {
    // A model that always picks "No", wherever it is shown.
    const generate: Generator = async (turns) => {
      expect(turns.slice(0, -1)).toEqual(context);
      const line = turns
        .at(-1)
        ?.content.split('\n')
        .find((l) => l.endsWith('. No'));
      return generation(`Answer: [${line?.[0]}]`);
    };
    const outcome = await runStrategy(asked({ strategy: 'CHOICE_SHUFFLE_ENSEMBLE', samples: 4 }), generate);
    expect(outcome.votes).toEqual([{ answer: 'no', count: 4 }]);
  });

  it.each(['DIRECT', 'CHAIN_OF_THOUGHT'] as const)(
    '%s leaves the answer unset when none can be parsed, or the letter is not an option',
    async (strategy) => {
      for (const text of ['I cannot tell.', 'Answer: [D]']) {
        const { generate } = scripted([text]);
        expect((await runStrategy(asked({ strategy }), generate)).answer).toBeUndefined();
      }
    },
  );

  it('with a JSON schema, reads the letter from the `answer` field and maps it back', async () => {
    const schema = { type: 'object', properties: { answer: { enum: ['A', 'B', 'C'] } } };
    const calls: ChatTurn[][] = [];
    const generate: Generator = async (turns) => {
      calls.push(turns);
      return generation('{"answer":"B"}', { answer: 'B' });
    };
    const outcome = await runStrategy(
      asked({ strategy: 'DIRECT', jsonSchema: { schema, text: JSON.stringify(schema) } }),
      generate,
    );
    expect(calls[0]?.at(-1)?.content).toContain(
      'Give your answer in the `answer` field as X, where X must be A, B, or C.',
    );
    expect(outcome.answer).toBe('no');
  });
});
