import type { ChatWrapper, LlamaContextSequence } from 'node-llama-cpp';
import type { ModelIdentity } from '../model/model-identity.js';
import type { SlotScheduler } from '../queue/slot-scheduler.js';
import { createSequenceGenerator } from './generate-once.js';
import type { GrammarCache } from './grammar-cache.js';
import { reasonsFirst, runStrategy, type StrategyOutcome, withReasoning } from './strategies/run-strategy.js';
import type { InferenceRequest, StopReason } from './types.js';

export interface InferenceDeps {
  identity: ModelIdentity;
  chatWrapper: ChatWrapper;
  scheduler: SlotScheduler<LlamaContextSequence>;
  grammars: GrammarCache;
  /** Called with each batch of generated tokens, for the token counter. */
  onTokens?: (count: number) => void;
  now?: () => number;
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
  strategy: Pick<StrategyOutcome, 'answer' | 'votes' | 'samples'> & { name: InferenceRequest['strategy'] };
  model: ModelIdentity;
}

/**
 * One request end to end: grammar (before taking a slot, so a bad schema never holds one), a free
 * sequence from the scheduler, the strategy's generations on it, then the slot back, whatever happened.
 */
export async function runInference(
  deps: InferenceDeps,
  request: InferenceRequest,
  options: { signal: AbortSignal; onTextChunk?: (text: string) => void },
): Promise<InferenceResult> {
  const now = deps.now ?? (() => performance.now());
  const receivedAt = now();
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
  try {
    const generate = createSequenceGenerator({
      sequence: lease.resource,
      chatWrapper: deps.chatWrapper,
      grammar,
      maxTokens: request.maxTokens,
      signal: options.signal,
      onTokens: (count) => {
        firstTokenAt ??= now();
        deps.onTokens?.(count);
      },
    });
    const outcome = await runStrategy(request, generate, options.onTextChunk);
    const finishedAt = now();
    const generationSeconds = (finishedAt - generationStartedAt) / 1000;
    const { generation } = outcome;
    return {
      requestId: request.requestId,
      text: generation.text,
      json: generation.json === undefined ? undefined : JSON.stringify(generation.json),
      stopReason: generation.stopReason,
      promptTokens: outcome.promptTokens,
      completionTokens: outcome.completionTokens,
      timings: {
        queueMs: lease.waitedMs,
        timeToFirstTokenMs: (firstTokenAt ?? finishedAt) - receivedAt,
        totalMs: finishedAt - receivedAt,
        tokensPerSecond: generationSeconds > 0 ? outcome.completionTokens / generationSeconds : 0,
      },
      strategy: {
        name: request.strategy,
        answer: outcome.answer,
        votes: outcome.votes,
        samples: outcome.samples,
      },
      model: deps.identity,
    };
  } finally {
    lease.release();
  }
}
