import type { GenerateResponse, ModelIdentity as ProtoModelIdentity, StopReason } from '@aloe/shared/grpc';
import type { InferenceResult } from '../generate/run-inference.js';
import type { ModelIdentity } from '../model/model-identity.js';

const stopReasons: Record<InferenceResult['stopReason'], StopReason> = {
  eog: 'STOP_REASON_EOG',
  maxTokens: 'STOP_REASON_MAX_TOKENS',
  aborted: 'STOP_REASON_ABORTED',
};

export function toProtoIdentity(identity: ModelIdentity): ProtoModelIdentity {
  return { ...identity };
}

/** The wire form of a finished request. */
export function toGenerateResponse(result: InferenceResult): GenerateResponse {
  return {
    requestId: result.requestId,
    text: result.text,
    json: result.json ?? '',
    stopReason: stopReasons[result.stopReason],
    usage: { promptTokens: result.promptTokens, completionTokens: result.completionTokens },
    model: toProtoIdentity(result.model),
    timings: result.timings,
    strategyResult: {
      strategy: `STRATEGY_${result.strategy.name}`,
      answer: result.strategy.answer ?? '',
      votes: result.strategy.votes,
      samples: result.strategy.samples.map((sample) => ({ text: sample.text, answer: sample.answer ?? '' })),
    },
  };
}
