import type { ModelInfo } from '@aloe/shared/grpc';
import type { LlamaContextSequence } from 'node-llama-cpp';
import { createGrammarCache } from './generate/grammar-cache.js';
import { runInference } from './generate/run-inference.js';
import type { InferenceRuntime } from './grpc/handlers.js';
import { toProtoIdentity } from './grpc/to-proto.js';
import type { InferenceMetrics } from './metrics.js';
import type { LoadedModel } from './model/load-model.js';
import { SlotScheduler } from './queue/slot-scheduler.js';

export interface Runtime extends InferenceRuntime {
  /** Refuses new requests and fails the queued ones; then resolves once in-flight work is done. */
  drain(): Promise<void>;
}

/** Puts a loaded model behind the scheduler: one slot per context sequence, a bounded queue in front. */
export function createRuntime(
  loaded: LoadedModel,
  options: { queueCapacity: number; metrics: InferenceMetrics },
): Runtime {
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
  };
  return {
    run: (request, runOptions) =>
      runInference(
        {
          identity: loaded.identity,
          chatWrapper: loaded.chatWrapper,
          scheduler,
          grammars,
          onTokens: (count) => options.metrics.generatedTokens.inc(count),
        },
        request,
        runOptions,
      ),
    modelInfo: () => info,
    drain: () => {
      scheduler.close();
      return scheduler.drain();
    },
  };
}
