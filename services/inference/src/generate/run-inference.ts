import type { LlamaContextSequence } from 'node-llama-cpp';
import type { ChatTemplate } from '../model/chat-template.js';
import type { ModelIdentity } from '../model/model-identity.js';
import type { TokenizeSegments } from '../model/prompt-tokenizer.js';
import type { StopToken } from '../model/stop-tokens.js';
import type { SlotScheduler } from '../queue/slot-scheduler.js';
import { createSequenceGenerator, withAloeSystemPrompt } from './generate-once.js';
import type { GrammarCache } from './grammar-cache.js';
import { createPromptRenderer, type RenderedPrompt } from './render-prompt.js';
import { checkRequestBytes, checkTokenBudget, type RequestLimits } from './request-size.js';
import {
  firstTurns,
  reasonsFirst,
  runStrategy,
  type StrategyOutcome,
  withReasoning,
} from './strategies/run-strategy.js';
import type { InferenceRequest, SamplingOptions, StopReason } from './types.js';

export interface InferenceDeps {
  identity: ModelIdentity;
  template: ChatTemplate;
  /** Tokenizes prompts off the event loop. */
  tokenizePrompt: TokenizeSegments;
  /** What one request may carry: bytes of text, then tokens of prompt plus max_tokens. */
  limits: RequestLimits;
  stops: ReadonlyMap<number, StopToken>;
  /** The model's sampling defaults (its card's), for values a request leaves unset. */
  samplingDefaults: Pick<SamplingOptions, 'temperature' | 'topP'>;
  scheduler: SlotScheduler<LlamaContextSequence>;
  grammars: GrammarCache;
  /** Called with each batch of generated tokens, for the token counter. */
  onTokens?: (count: number) => void;
  now?: () => number;
  /** The wall clock for the chat template's date. */
  today?: () => Date;
}

export interface InferenceResult {
  requestId: string;
  text: string;
  /** The validated JSON output, re-serialised, when the request had a schema. */
  json: string | undefined;
  stopReason: StopReason;
  promptTokens: number;
  completionTokens: number;
  timings: { queueMs: number; timeToFirstTokenMs: number; totalMs: number; tokensPerSecond: number };
  strategy: Pick<StrategyOutcome, 'answer' | 'votes'> & {
    name: InferenceRequest['strategy'];
    samples: Array<{ text: string; answer: string | undefined; promptIndex: number }>;
  };
  /** Every distinct prompt the model saw, in order of first use; `promptIndex` is the returned text's. */
  prompts: RenderedPrompt[];
  promptIndex: number;
  stopToken: StopToken | undefined;
  model: ModelIdentity;
}

/** A request's sampling with the model's defaults where it left a value unset. */
export function withSamplingDefaults(
  sampling: SamplingOptions,
  defaults: InferenceDeps['samplingDefaults'],
): SamplingOptions {
  return {
    ...sampling,
    temperature: sampling.temperature ?? defaults.temperature,
    topP: sampling.topP ?? defaults.topP,
  };
}

/**
 * One request end to end: its size (bytes of text, then tokens of its first prompt plus max_tokens,
 * so what does not fit is refused before any work), its grammar (before taking a slot, so a bad schema
 * never holds one), a free sequence from the scheduler, the strategy's generations on it, then the slot
 * back, whatever happened.
 */
export async function runInference(
  deps: InferenceDeps,
  request: InferenceRequest,
  options: { signal: AbortSignal; onTextChunk?: (text: string) => void },
): Promise<InferenceResult> {
  const now = deps.now ?? (() => performance.now());
  const receivedAt = now();
  checkRequestBytes(request, deps.limits);
  const budget = { maxTokens: request.maxTokens, contextTokens: deps.limits.contextTokens };
  checkTokenBudget(0, budget.maxTokens, budget.contextTokens);
  const render = createPromptRenderer(
    deps.template,
    deps.tokenizePrompt,
    deps.today ?? (() => new Date()),
    budget,
  );
  await render(withAloeSystemPrompt(firstTurns(request)));
  options.signal.throwIfAborted();
  const grammar = request.jsonSchema
    ? reasonsFirst(request.strategy)
      ? await deps.grammars.get(
          withReasoning(request.jsonSchema.schema),
          `reasoning+${request.jsonSchema.text}`,
        )
      : await deps.grammars.get(request.jsonSchema.schema, request.jsonSchema.text)
    : undefined;
  const lease = await deps.scheduler.acquire(options.signal);
  const generationStartedAt = now();
  let firstTokenAt: number | undefined;
  let outcome: 'completed' | 'failed' = 'failed';
  try {
    const generate = createSequenceGenerator({
      sequence: lease.resource,
      render,
      stops: deps.stops,
      grammar,
      maxTokens: request.maxTokens,
      signal: options.signal,
      onTokens: (count) => {
        firstTokenAt ??= now();
        deps.onTokens?.(count);
      },
    });
    const strategyOutcome = await runStrategy(
      { ...request, sampling: withSamplingDefaults(request.sampling, deps.samplingDefaults) },
      generate,
      options.onTextChunk,
    );
    const finishedAt = now();
    const generationSeconds = (finishedAt - generationStartedAt) / 1000;
    const { generation } = strategyOutcome;
    const prompts: RenderedPrompt[] = [];
    const indexOf = (prompt: RenderedPrompt | undefined) => {
      if (!prompt) return 0;
      const at = prompts.findIndex((known) => known.sha256 === prompt.sha256);
      if (at >= 0) return at;
      prompts.push(prompt);
      return prompts.length - 1;
    };
    const samples = strategyOutcome.samples.map((sample) => ({
      text: sample.text,
      answer: sample.answer,
      promptIndex: indexOf(sample.prompt),
    }));
    const promptIndex = indexOf(generation.prompt);
    outcome = 'completed';
    return {
      requestId: request.requestId,
      text: generation.text,
      json: generation.json === undefined ? undefined : JSON.stringify(generation.json),
      stopReason: generation.stopReason,
      promptTokens: strategyOutcome.promptTokens,
      completionTokens: strategyOutcome.completionTokens,
      timings: {
        queueMs: lease.waitedMs,
        timeToFirstTokenMs: (firstTokenAt ?? finishedAt) - receivedAt,
        totalMs: finishedAt - receivedAt,
        tokensPerSecond: generationSeconds > 0 ? strategyOutcome.completionTokens / generationSeconds : 0,
      },
      strategy: {
        name: request.strategy,
        answer: strategyOutcome.answer,
        votes: strategyOutcome.votes,
        samples,
      },
      prompts,
      promptIndex,
      stopToken: generation.stopToken,
      model: deps.identity,
    };
  } finally {
    lease.release(outcome);
  }
}
