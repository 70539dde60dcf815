import type { ModelInfo } from '@aloe/shared/grpc';
import type { LlamaContextSequence } from 'node-llama-cpp';
import { createGrammarCache } from './generate/grammar-cache.js';
import { type RequestLimits, requestLimitsFor } from './generate/request-size.js';
import { runInference } from './generate/run-inference.js';
import type { InferenceRuntime } from './grpc/handlers.js';
import { toProtoIdentity, toProtoStopToken } from './grpc/to-proto.js';
import type { InferenceMetrics } from './metrics.js';
import type { LoadedModel } from './model/load-model.js';
import { SlotScheduler } from './queue/slot-scheduler.js';

export interface Runtime extends InferenceRuntime {
  /** What one request may carry, for this model. */
  readonly limits: RequestLimits;
  /** Refuses new requests and fails the queued ones; then resolves once in-flight work is done. */
  drain(): Promise<void>;
}

/**
 * Puts a loaded model behind the scheduler: one slot per context sequence, a bounded queue in front,
 * and requests sized against the model's context (`maxPromptBytes` unset: derived from it).
 */
export function createRuntime(
  loaded: LoadedModel,
  options: {
    queueCapacity: number;
    metrics: InferenceMetrics;
    maxPromptBytes?: number | undefined;
    today?: () => Date;
  },
): Runtime {
  const limits = requestLimitsFor(loaded.context.contextSize, options.maxPromptBytes);
  const sequences: LlamaContextSequence[] = [];
  while (loaded.context.sequencesLeft > 0) sequences.push(loaded.context.getSequence());
  const scheduler = new SlotScheduler(sequences, {
    queueCapacity: options.queueCapacity,
    onChange: ({ busy, queued }) => {
      options.metrics.busySequences.set(busy);
      options.metrics.queueDepth.set(queued);
    },
  });
  const grammars = createGrammarCache(loaded.llama);
  const info: ModelInfo = {
    identity: toProtoIdentity(loaded.identity),
    contextSize: loaded.context.contextSize,
    parallelSequences: sequences.length,
    threads: loaded.threads,
    backend: loaded.backend,
    queueCapacity: options.queueCapacity,
    stopTokens: loaded.stops.map(toProtoStopToken),
    defaults: {
      ...(loaded.defaults.temperature === undefined ? {} : { temperature: loaded.defaults.temperature }),
      ...(loaded.defaults.topP === undefined ? {} : { topP: loaded.defaults.topP }),
      maxContextTokens: loaded.defaults.maxContextTokens,
      source: loaded.defaults.source,
    },
    licence: loaded.seedModel
      ? {
          id: loaded.seedModel.licence.id,
          url: loaded.seedModel.licence.url,
          nonCommercial: loaded.seedModel.licence.nonCommercial,
        }
      : null,
    chatTemplateText: loaded.template.text,
  };
  const stops = new Map(loaded.stops.map((stop) => [stop.id, stop]));
  return {
    run: (request, runOptions) =>
      runInference(
        {
          identity: loaded.identity,
          template: loaded.template,
          tokenizePrompt: loaded.tokenizePrompt,
          limits,
          stops,
          samplingDefaults: { temperature: loaded.defaults.temperature, topP: loaded.defaults.topP },
          ...(options.today ? { today: options.today } : {}),
          scheduler,
          grammars,
          onTokens: (count) => options.metrics.generatedTokens.inc(count),
        },
        request,
        runOptions,
      ),
    modelInfo: () => info,
    limits,
    drain: () => {
      scheduler.close();
      return scheduler.drain();
    },
  };
}
