// One benchmark question asked of the inference service with one strategy, as prompt_engine asks it:
// the service renders the options, parses `Answer: [X]` and maps it back to the original key; an
// answer that would not parse is asked again, a bounded number of times, a little hotter and longer.
import { ALOE_SYSTEM_PROMPT, type ChatMessage, type GenerateRequest, type Strategy } from '@aloe/shared/grpc';
import * as grpc from '@grpc/grpc-js';
import type { CachedAnswer } from '../cache/answer-cache.js';
import type { McqItem } from '../datasets/dataset.js';
import type { EvalStrategy } from '../report/report.js';
import { InferenceCallError, type InferenceConnection } from './inference-connection.js';

export interface AskSettings {
  strategy: EvalStrategy;
  /** Samples of the voting strategies (self-consistency, choice-shuffle ensemble, medprompt). */
  samples: number;
  /** prompt_engine seeds with 8; retry n uses seed + n. */
  seed: number;
  /** Tokens per sample on the first attempt; each retry allows 100 more. */
  maxTokens: number;
  /** Further attempts after an unparsable answer (prompt_engine: 3 on validation sets). */
  parseRetries: number;
  /** Each Generate call's deadline. */
  deadlineMs: number;
  /** The served model's default temperature (ModelInfo.defaults), which retries raise; unset: none published. */
  defaultTemperature?: number | undefined;
}

/** What the service does for each of our strategies; medprompt is few-shot turns + the shuffled ensemble. */
export const SERVICE_STRATEGY: Readonly<Record<EvalStrategy, Strategy>> = {
  direct: 'STRATEGY_DIRECT',
  'chain-of-thought': 'STRATEGY_CHAIN_OF_THOUGHT',
  'self-consistency': 'STRATEGY_SELF_CONSISTENCY',
  'choice-shuffle-ensemble': 'STRATEGY_CHOICE_SHUFFLE_ENSEMBLE',
  medprompt: 'STRATEGY_CHOICE_SHUFFLE_ENSEMBLE',
};

const VOTING: ReadonlySet<EvalStrategy> = new Set([
  'self-consistency',
  'choice-shuffle-ensemble',
  'medprompt',
]);

/** prompt_engine's retry steps for an unparsable answer. */
const RETRY_TEMPERATURE_STEP = 0.05;
const RETRY_MAX_TOKENS_STEP = 100;
const MAX_TEMPERATURE = 1;
/** The service samples self-consistency at Aloe's 0.6 when the request leaves the temperature unset. */
const SELF_CONSISTENCY_TEMPERATURE = 0.6;

/**
 * The system turn is the model card's ALOE_SYSTEM_PROMPT, not prompt_engine's MCQA system prompt: the service
 * already appends prompt_engine's MCQA instruction (with the letters the question really has: three for
 * PubMedQA) to every question it renders, so the MCQA prompt would repeat it and hard-code four letters,
 * while the card's prompt is the one the deployed product sends and the model was aligned with.
 */
const SYSTEM_TURN: ChatMessage = { role: 'ROLE_SYSTEM', content: ALOE_SYSTEM_PROMPT };

/** The question as the service is given it: PubMedQA's abstract comes before the question. */
export function questionText(item: McqItem): string {
  return item.context ? `Abstract: ${item.context}\n\nQuestion: ${item.question}` : item.question;
}

/** Option letters by position: A, B, C, … */
const letterAt = (position: number) => String.fromCharCode(65 + position);

/**
 * Medprompt's few-shot turns, most similar example last: the example question with lettered options, then
 * `Answer: [X]` with its gold letter. The store holds no worked chain-of-thought solutions, so the examples
 * show the answer format only (the report says so).
 */
export function fewShotTurns(examples: readonly McqItem[]): ChatMessage[] {
  return examples.flatMap((example): ChatMessage[] => {
    const options = example.options.map((option, position) => `${letterAt(position)}. ${option.text}`);
    const gold = example.options.findIndex((option) => sameKey(option.key, example.answer));
    return [
      { role: 'ROLE_USER', content: `${questionText(example)}\n${options.join('\n')}` },
      { role: 'ROLE_ASSISTANT', content: `Answer: [${letterAt(Math.max(gold, 0))}]` },
    ];
  });
}

/** The request for attempt `retry` (0 = the first): retries raise seed, temperature and max_tokens. */
export function buildRequest(
  item: McqItem,
  settings: AskSettings,
  examples: readonly McqItem[],
  retry: number,
): GenerateRequest {
  const voting = VOTING.has(settings.strategy);
  const baseTemperature =
    settings.defaultTemperature ??
    (settings.strategy === 'self-consistency' ? SELF_CONSISTENCY_TEMPERATURE : 0);
  return {
    requestId: `eval:${settings.strategy}:${retry}:${item.id}`.slice(0, 100),
    messages: [SYSTEM_TURN, ...(settings.strategy === 'medprompt' ? fewShotTurns(examples) : [])],
    multipleChoice: {
      question: questionText(item),
      options: item.options.map(({ key, text }) => ({ key, text })),
    },
    strategy: SERVICE_STRATEGY[settings.strategy],
    samples: voting ? settings.samples : 0,
    maxTokens: settings.maxTokens + RETRY_MAX_TOKENS_STEP * retry,
    sampling: {
      seed: settings.seed + retry,
      // The first attempt keeps the model's own defaults, as prompt_engine does.
      ...(retry > 0
        ? { temperature: Math.min(MAX_TEMPERATURE, baseTemperature + RETRY_TEMPERATURE_STEP * retry) }
        : {}),
    },
  };
}

/** The service's refusal of a prompt longer than the model's context (request-size.ts), as the client sees it. */
const doesNotFit = (error: unknown) =>
  error instanceof InferenceCallError &&
  error.code === grpc.status.INVALID_ARGUMENT &&
  /the rendered prompt is .* tokens|bytes of text/.test(error.message);

/**
 * Asks one item until the service parses an answer or the retries run out; tokens and wall time add up
 * over every attempt. Few-shot examples that do not fit the model's context are dropped least similar
 * first (the service refuses such a prompt rather than shortening it); `fewShotUsed` says how many went.
 * A failed call (a status other than the passing ones) rejects with its status.
 */
export async function askItem(
  connection: InferenceConnection,
  item: McqItem,
  settings: AskSettings,
  givenExamples: readonly McqItem[] = [],
): Promise<CachedAnswer> {
  let examples = givenExamples;
  const startedAt = performance.now();
  let promptTokens = 0;
  let completionTokens = 0;
  let parseFailures = 0;
  let answer: string | undefined;
  let samples: string[] | undefined;
  let attempts = 0;
  for (let retry = 0; retry <= settings.parseRetries && answer === undefined; retry++) {
    attempts++;
    let response: Awaited<ReturnType<InferenceConnection['generate']>>;
    try {
      response = await connection.generate(buildRequest(item, settings, examples, retry), {
        deadlineMs: settings.deadlineMs,
      });
    } catch (error) {
      if (!(doesNotFit(error) && examples.length > 0)) throw error;
      examples = examples.slice(1); // the least similar is first: most similar last
      retry--; // a refused prompt was not an answer that failed to parse
      continue;
    }
    promptTokens += response.usage?.promptTokens ?? 0;
    completionTokens += response.usage?.completionTokens ?? 0;
    const parsed = response.strategyResult?.answer ?? '';
    if (parsed === '') parseFailures++;
    else answer = parsed;
    const sampleAnswers = response.strategyResult?.samples.map((sample) => sample.answer) ?? [];
    if (sampleAnswers.length > 0) samples = sampleAnswers;
  }
  return {
    itemId: item.id,
    ...(answer === undefined ? {} : { answer }),
    correct: answer !== undefined && sameKey(answer, item.answer),
    parseFailures,
    attempts,
    promptTokens,
    completionTokens,
    wallMs: Math.round(performance.now() - startedAt),
    ...(samples ? { samples } : {}),
    ...(settings.strategy === 'medprompt' ? { fewShotUsed: examples.length } : {}),
  };
}

const sameKey = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();
