import type {
  GenerateResponse,
  ModelIdentity as ProtoModelIdentity,
  RenderedPrompt as ProtoRenderedPrompt,
  StopToken as ProtoStopToken,
  StopReason,
} from '@aloe/shared/grpc';
import type { RenderedPrompt } from '../generate/render-prompt.js';
import type { InferenceResult } from '../generate/run-inference.js';
import type { ModelIdentity } from '../model/model-identity.js';
import type { StopToken } from '../model/stop-tokens.js';

const stopReasons: Record<InferenceResult['stopReason'], StopReason> = {
  eog: 'STOP_REASON_EOG',
  maxTokens: 'STOP_REASON_MAX_TOKENS',
  aborted: 'STOP_REASON_ABORTED',
};

const roles = { system: 'ROLE_SYSTEM', user: 'ROLE_USER', assistant: 'ROLE_ASSISTANT' } as const;

export function toProtoIdentity(identity: ModelIdentity): ProtoModelIdentity {
  return { ...identity, parts: identity.parts.map((part) => ({ ...part })) };
}

export function toProtoStopToken(stop: StopToken): ProtoStopToken {
  return { id: stop.id, text: stop.text, sources: [...stop.sources] };
}

export function toProtoPrompt(prompt: RenderedPrompt): ProtoRenderedPrompt {
  return {
    text: prompt.text,
    tokenCount: prompt.tokens.length,
    sha256: prompt.sha256,
    templateId: prompt.templateId,
    variables: prompt.variables,
    messages: prompt.messages.map((message) => ({ role: roles[message.role], content: message.content })),
  };
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
      samples: result.strategy.samples.map((sample) => ({
        text: sample.text,
        answer: sample.answer ?? '',
        promptIndex: sample.promptIndex,
      })),
    },
    prompts: result.prompts.map(toProtoPrompt),
    promptIndex: result.promptIndex,
    stopToken: result.stopToken ? toProtoStopToken(result.stopToken) : null,
  };
}
