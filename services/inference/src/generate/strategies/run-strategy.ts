import type {
  ChatTurn,
  Generation,
  Generator,
  InferenceRequest,
  MultipleChoiceQuestion,
  SamplingOptions,
} from '../types.js';
import { renderChoiceQuestion } from './choice-prompt.js';
import { parseAnswer } from './parse-answer.js';
import { displayLetters, distinctPermutations, mapAnswerBack } from './permutations.js';
import { createSeededRandom } from './seeded-random.js';
import { majorityVote, type VoteCount } from './vote.js';

export interface StrategyOutcome {
  /** The generation returned to the caller: for voting strategies, the first sample with the winning answer. */
  generation: Generation;
  answer: string | undefined;
  votes: VoteCount[];
  samples: Array<{ text: string; answer: string | undefined; prompt?: Generation['prompt'] }>;
  /** Summed over every sample. */
  promptTokens: number;
  completionTokens: number;
}

// Aloe's prompt_engine asks for the answer in this form (docs/research-notes.md#prompt_engine-prompts).
export const CHAIN_OF_THOUGHT_SUFFIX =
  "Let's think step by step. End your reply with a line 'Answer: [X]', where X is your final answer.";
// With a JSON schema the grammar allows no free text: the reasoning gets a field of its own, written
// before the answer (withReasoning), and the caller gets the answer alone back as its JSON.
export const JSON_CHAIN_OF_THOUGHT_SUFFIX =
  "Let's think step by step: write your reasoning in the `reasoning` field first, then your answer in the `answer` field.";
/** The longest reasoning a JSON answer may carry (it counts against max_tokens). */
export const MAX_REASONING_CHARS = 600;

/** Whether a strategy reasons before it answers. */
export const reasonsFirst = (strategy: InferenceRequest['strategy']) =>
  strategy === 'CHAIN_OF_THOUGHT' || strategy === 'SELF_CONSISTENCY';

/** The schema a reasoning strategy enforces: the reasoning first, then the caller's schema as `answer`. */
export function withReasoning(schema: object): object {
  return {
    type: 'object',
    properties: {
      reasoning: { type: 'string', minLength: 1, maxLength: MAX_REASONING_CHARS },
      answer: schema,
    },
  };
}

/** Aloe's recommended temperature; voting over identical greedy samples would be pointless. */
const VOTING_TEMPERATURE = 0.6;

/** One generation a strategy asks for: its turns, its sampling, and how its answer is read. */
interface Attempt {
  turns: ChatTurn[];
  sampling: SamplingOptions;
  /** The parsed answer; for a multiple-choice question, the original key of the chosen option. */
  answerOf: (generation: Generation) => string | undefined;
}

/**
 * Runs a request's inference strategy (docs/research-notes.md#inference-strategies) on an injected generator:
 * DIRECT and CHAIN_OF_THOUGHT generate once; SELF_CONSISTENCY samples N times and votes on the parsed answer;
 * CHOICE_SHUFFLE_ENSEMBLE asks the multiple-choice question with N distinct orders of its options and votes.
 * With a multiple-choice question every strategy asks it as the last user turn after the request's
 * messages (its system turns and worked examples) and maps each answer back to the original option key.
 * Samples run one after another on the same sequence, so their shared prompt prefix is evaluated once.
 */
export async function runStrategy(
  request: InferenceRequest,
  generate: Generator,
  onTextChunk?: (text: string) => void,
): Promise<StrategyOutcome> {
  const votes = request.strategy === 'SELF_CONSISTENCY' || request.strategy === 'CHOICE_SHUFFLE_ENSEMBLE';
  const generations: Generation[] = [];
  const answers: Array<string | undefined> = [];
  for (const attempt of attempts(request)) {
    const generated = await generate(attempt.turns, {
      sampling: attempt.sampling,
      onTextChunk: votes ? undefined : onTextChunk,
    });
    const generation = reasonsFirst(request.strategy) ? withoutReasoning(generated) : generated;
    generations.push(generation);
    answers.push(attempt.answerOf(generation));
  }
  return votes ? decide(generations, answers) : single(generations[0]!, answers[0]);
}

/** The turns of a request's first generation (the size check renders them before any work). */
export function firstTurns(request: InferenceRequest): ChatTurn[] {
  const first = attempts(request).next();
  return first.done ? [] : first.value.turns;
}

/** The generations a request's strategy asks for, in order, lazily. */
function* attempts(request: InferenceRequest): IterableIterator<Attempt> {
  const { strategy, sampling } = request;
  const baseSeed = sampling.seed ?? 0;
  switch (strategy) {
    case 'DIRECT':
    case 'CHAIN_OF_THOUGHT':
      yield { ...prompt(request, undefined), sampling };
      return;
    case 'SELF_CONSISTENCY': {
      const temperature = sampling.temperature ? sampling.temperature : VOTING_TEMPERATURE;
      const asked = prompt(request, undefined);
      for (let i = 0; i < request.samples; i++)
        yield { ...asked, sampling: { ...sampling, temperature, seed: baseSeed + i } };
      return;
    }
    case 'CHOICE_SHUFFLE_ENSEMBLE': {
      const size = (request.multipleChoice as MultipleChoiceQuestion).options.length;
      const permutations = distinctPermutations(size, request.samples, createSeededRandom(baseSeed));
      for (const [i, permutation] of permutations.entries())
        yield { ...prompt(request, permutation), sampling: { ...sampling, seed: baseSeed + i } };
      return;
    }
  }
}

/**
 * A strategy's prompt and how its answer is read. A multiple-choice question is shown with its options
 * in `permutation` order (default: as given); other requests get the chain-of-thought suffix when the
 * strategy reasons, and only reasoning strategies parse an answer from free text.
 */
function prompt(
  request: InferenceRequest,
  permutation: readonly number[] | undefined,
): Pick<Attempt, 'turns' | 'answerOf'> {
  const json = request.jsonSchema !== undefined;
  const question = request.multipleChoice;
  if (!question) {
    if (request.strategy === 'DIRECT') return { turns: [...request.messages], answerOf: () => undefined };
    return {
      turns: withChainOfThought(request.messages, json),
      answerOf: (generation) => parseAnswer(generation.text, generation.json),
    };
  }
  const order = permutation ?? question.options.map((_, i) => i);
  // With JSON, a strategy reasons only where its grammar has a `reasoning` field.
  const reasoning = json ? reasonsFirst(request.strategy) : request.strategy !== 'DIRECT';
  const letters = displayLetters(order.length);
  const originalKeys = question.options.map((option) => option.key);
  return {
    turns: renderChoiceQuestion(request.messages, question, order, { reasoning, json }),
    answerOf: (generation) =>
      mapAnswerBack(parseAnswer(generation.text, generation.json, letters), order, originalKeys),
  };
}

function single(generation: Generation, answer: string | undefined): StrategyOutcome {
  return {
    generation,
    answer,
    votes: [],
    samples: [],
    promptTokens: generation.promptTokens,
    completionTokens: generation.completionTokens,
  };
}

function withChainOfThought(messages: readonly ChatTurn[], json: boolean): ChatTurn[] {
  const last = messages.at(-1);
  if (last?.role !== 'user') return [...messages];
  return [
    ...messages.slice(0, -1),
    {
      role: 'user',
      content: `${last.content}\n\n${json ? JSON_CHAIN_OF_THOUGHT_SUFFIX : CHAIN_OF_THOUGHT_SUFFIX}`,
    },
  ];
}

/** A reasoning generation with JSON output, as the caller asked for it: the answer is the JSON; the text keeps the reasoning. */
function withoutReasoning(generation: Generation): Generation {
  const json = generation.json as { reasoning?: unknown; answer?: unknown } | undefined;
  return json && typeof json === 'object' && 'reasoning' in json && 'answer' in json
    ? { ...generation, json: json.answer }
    : generation;
}

function decide(generations: Generation[], answers: Array<string | undefined>): StrategyOutcome {
  const { winner, votes } = majorityVote(answers);
  const chosen = winner === undefined ? 0 : answers.indexOf(winner);
  return {
    generation: generations[chosen]!,
    answer: winner,
    votes,
    samples: generations.map((generation, i) => ({
      text: generation.text,
      answer: answers[i],
      prompt: generation.prompt,
    })),
    promptTokens: generations.reduce((sum, generation) => sum + generation.promptTokens, 0),
    completionTokens: generations.reduce((sum, generation) => sum + generation.completionTokens, 0),
  };
}
