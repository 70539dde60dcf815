import type { ChatTurn, Generation, Generator, InferenceRequest, MultipleChoiceQuestion } from '../types.js';
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

/** prompt_engine's MCQA instruction, without its few-shot preamble. */
export function multipleChoiceInstruction(letters: readonly string[]): string {
  const choices = `${letters.slice(0, -1).join(', ')}, or ${letters.at(-1)}`;
  return `Note the exam question has an unique answer based on the information given. Let's think step by step. Include Answer: [X] at the end where X must be ${choices}. Don't include more tokens after answering the question.`;
}

/** Aloe's recommended temperature; voting over identical greedy samples would be pointless. */
const VOTING_TEMPERATURE = 0.6;

/**
 * Runs a request's inference strategy (docs/research-notes.md#inference-strategies) on an injected generator:
 * DIRECT and CHAIN_OF_THOUGHT generate once; SELF_CONSISTENCY samples N times and votes on the parsed answer;
 * CHOICE_SHUFFLE_ENSEMBLE asks the multiple-choice question with N distinct orders of its options, maps each
 * answer back to the original key, and votes. Samples run one after another on the same sequence, so their
 * shared prompt prefix is evaluated once.
 */
export async function runStrategy(
  request: InferenceRequest,
  generate: Generator,
  onTextChunk?: (text: string) => void,
): Promise<StrategyOutcome> {
  switch (request.strategy) {
    case 'DIRECT':
      return single(await generate(request.messages, { sampling: request.sampling, onTextChunk }));
    case 'CHAIN_OF_THOUGHT':
      return single(
        answerOf(
          await generate(withChainOfThought(request.messages, request.jsonSchema !== undefined), {
            sampling: request.sampling,
            onTextChunk,
          }),
        ),
        true,
      );
    case 'SELF_CONSISTENCY':
      return selfConsistency(request, generate);
    case 'CHOICE_SHUFFLE_ENSEMBLE':
      return choiceShuffleEnsemble(request, generate);
  }
}

/** The turns of a request's first generation (the size check renders them before any work). */
export function firstTurns(request: InferenceRequest): ChatTurn[] {
  switch (request.strategy) {
    case 'DIRECT':
      return [...request.messages];
    case 'CHAIN_OF_THOUGHT':
    case 'SELF_CONSISTENCY':
      return withChainOfThought(request.messages, request.jsonSchema !== undefined);
    case 'CHOICE_SHUFFLE_ENSEMBLE': {
      const first = choicePrompts(request).next();
      return first.done ? [] : first.value.turns;
    }
  }
}

function single(generation: Generation, parse = false): StrategyOutcome {
  const answer = parse ? parseAnswer(generation.text, generation.json) : undefined;
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
function answerOf(generation: Generation): Generation {
  const json = generation.json as { reasoning?: unknown; answer?: unknown } | undefined;
  return json && typeof json === 'object' && 'reasoning' in json && 'answer' in json
    ? { ...generation, json: json.answer }
    : generation;
}

async function selfConsistency(request: InferenceRequest, generate: Generator): Promise<StrategyOutcome> {
  const temperature = request.sampling.temperature ? request.sampling.temperature : VOTING_TEMPERATURE;
  const baseSeed = request.sampling.seed ?? 0;
  const generations: Generation[] = [];
  for (let i = 0; i < request.samples; i++) {
    generations.push(
      answerOf(
        await generate(withChainOfThought(request.messages, request.jsonSchema !== undefined), {
          sampling: { ...request.sampling, temperature, seed: baseSeed + i },
        }),
      ),
    );
  }
  return decide(generations, (generation) => parseAnswer(generation.text, generation.json));
}

async function choiceShuffleEnsemble(
  request: InferenceRequest,
  generate: Generator,
): Promise<StrategyOutcome> {
  const question = request.multipleChoice as MultipleChoiceQuestion;
  const originalKeys = question.options.map((option) => option.key);
  const generations: Generation[] = [];
  const answers: Array<string | undefined> = [];
  for (const { turns, permutation, letters } of choicePrompts(request)) {
    const generation = await generate(turns, {
      sampling: { ...request.sampling, seed: (request.sampling.seed ?? 0) + generations.length },
    });
    generations.push(generation);
    answers.push(
      mapAnswerBack(parseAnswer(generation.text, generation.json, letters), permutation, originalKeys),
    );
  }
  return decide(generations, (_generation, index) => answers[index]);
}

/** The multiple-choice question with each of its distinct option orders, one prompt per sample, lazily. */
function* choicePrompts(
  request: InferenceRequest,
): IterableIterator<{ turns: ChatTurn[]; permutation: number[]; letters: string[] }> {
  const question = request.multipleChoice as MultipleChoiceQuestion;
  const letters = displayLetters(question.options.length);
  const random = createSeededRandom(request.sampling.seed ?? 0);
  const permutations = distinctPermutations(question.options.length, request.samples, random);
  const context = request.messages.filter((turn) => turn.role === 'system');
  for (const permutation of permutations) {
    const shown = permutation.map(
      (original, position) => `${letters[position]}. ${question.options[original]!.text}`,
    );
    const prompt = `${question.question}\n${shown.join('\n')}\n\n${multipleChoiceInstruction(letters)}`;
    yield { turns: [...context, { role: 'user', content: prompt }], permutation, letters };
  }
}

function decide(
  generations: Generation[],
  answerOf: (generation: Generation, index: number) => string | undefined,
): StrategyOutcome {
  const answers = generations.map(answerOf);
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
