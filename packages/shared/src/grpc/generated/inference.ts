import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ChatMessage as _aloe_inference_v1_ChatMessage, ChatMessage__Output as _aloe_inference_v1_ChatMessage__Output } from './aloe/inference/v1/ChatMessage.js';
import type { ChoiceOption as _aloe_inference_v1_ChoiceOption, ChoiceOption__Output as _aloe_inference_v1_ChoiceOption__Output } from './aloe/inference/v1/ChoiceOption.js';
import type { GenerateRequest as _aloe_inference_v1_GenerateRequest, GenerateRequest__Output as _aloe_inference_v1_GenerateRequest__Output } from './aloe/inference/v1/GenerateRequest.js';
import type { GenerateResponse as _aloe_inference_v1_GenerateResponse, GenerateResponse__Output as _aloe_inference_v1_GenerateResponse__Output } from './aloe/inference/v1/GenerateResponse.js';
import type { GenerateStreamChunk as _aloe_inference_v1_GenerateStreamChunk, GenerateStreamChunk__Output as _aloe_inference_v1_GenerateStreamChunk__Output } from './aloe/inference/v1/GenerateStreamChunk.js';
import type { GetModelInfoRequest as _aloe_inference_v1_GetModelInfoRequest, GetModelInfoRequest__Output as _aloe_inference_v1_GetModelInfoRequest__Output } from './aloe/inference/v1/GetModelInfoRequest.js';
import type { InferenceClient as _aloe_inference_v1_InferenceClient, InferenceDefinition as _aloe_inference_v1_InferenceDefinition } from './aloe/inference/v1/Inference.js';
import type { Licence as _aloe_inference_v1_Licence, Licence__Output as _aloe_inference_v1_Licence__Output } from './aloe/inference/v1/Licence.js';
import type { ModelDefaults as _aloe_inference_v1_ModelDefaults, ModelDefaults__Output as _aloe_inference_v1_ModelDefaults__Output } from './aloe/inference/v1/ModelDefaults.js';
import type { ModelFilePart as _aloe_inference_v1_ModelFilePart, ModelFilePart__Output as _aloe_inference_v1_ModelFilePart__Output } from './aloe/inference/v1/ModelFilePart.js';
import type { ModelIdentity as _aloe_inference_v1_ModelIdentity, ModelIdentity__Output as _aloe_inference_v1_ModelIdentity__Output } from './aloe/inference/v1/ModelIdentity.js';
import type { ModelInfo as _aloe_inference_v1_ModelInfo, ModelInfo__Output as _aloe_inference_v1_ModelInfo__Output } from './aloe/inference/v1/ModelInfo.js';
import type { MultipleChoice as _aloe_inference_v1_MultipleChoice, MultipleChoice__Output as _aloe_inference_v1_MultipleChoice__Output } from './aloe/inference/v1/MultipleChoice.js';
import type { RenderedPrompt as _aloe_inference_v1_RenderedPrompt, RenderedPrompt__Output as _aloe_inference_v1_RenderedPrompt__Output } from './aloe/inference/v1/RenderedPrompt.js';
import type { Sample as _aloe_inference_v1_Sample, Sample__Output as _aloe_inference_v1_Sample__Output } from './aloe/inference/v1/Sample.js';
import type { SamplingParams as _aloe_inference_v1_SamplingParams, SamplingParams__Output as _aloe_inference_v1_SamplingParams__Output } from './aloe/inference/v1/SamplingParams.js';
import type { StopToken as _aloe_inference_v1_StopToken, StopToken__Output as _aloe_inference_v1_StopToken__Output } from './aloe/inference/v1/StopToken.js';
import type { StrategyResult as _aloe_inference_v1_StrategyResult, StrategyResult__Output as _aloe_inference_v1_StrategyResult__Output } from './aloe/inference/v1/StrategyResult.js';
import type { Timings as _aloe_inference_v1_Timings, Timings__Output as _aloe_inference_v1_Timings__Output } from './aloe/inference/v1/Timings.js';
import type { Usage as _aloe_inference_v1_Usage, Usage__Output as _aloe_inference_v1_Usage__Output } from './aloe/inference/v1/Usage.js';
import type { Vote as _aloe_inference_v1_Vote, Vote__Output as _aloe_inference_v1_Vote__Output } from './aloe/inference/v1/Vote.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  aloe: {
    inference: {
      v1: {
        ChatMessage: MessageTypeDefinition<_aloe_inference_v1_ChatMessage, _aloe_inference_v1_ChatMessage__Output>
        ChoiceOption: MessageTypeDefinition<_aloe_inference_v1_ChoiceOption, _aloe_inference_v1_ChoiceOption__Output>
        GenerateRequest: MessageTypeDefinition<_aloe_inference_v1_GenerateRequest, _aloe_inference_v1_GenerateRequest__Output>
        GenerateResponse: MessageTypeDefinition<_aloe_inference_v1_GenerateResponse, _aloe_inference_v1_GenerateResponse__Output>
        GenerateStreamChunk: MessageTypeDefinition<_aloe_inference_v1_GenerateStreamChunk, _aloe_inference_v1_GenerateStreamChunk__Output>
        GetModelInfoRequest: MessageTypeDefinition<_aloe_inference_v1_GetModelInfoRequest, _aloe_inference_v1_GetModelInfoRequest__Output>
        Inference: SubtypeConstructor<typeof grpc.Client, _aloe_inference_v1_InferenceClient> & { service: _aloe_inference_v1_InferenceDefinition }
        Licence: MessageTypeDefinition<_aloe_inference_v1_Licence, _aloe_inference_v1_Licence__Output>
        ModelDefaults: MessageTypeDefinition<_aloe_inference_v1_ModelDefaults, _aloe_inference_v1_ModelDefaults__Output>
        ModelFilePart: MessageTypeDefinition<_aloe_inference_v1_ModelFilePart, _aloe_inference_v1_ModelFilePart__Output>
        ModelIdentity: MessageTypeDefinition<_aloe_inference_v1_ModelIdentity, _aloe_inference_v1_ModelIdentity__Output>
        ModelInfo: MessageTypeDefinition<_aloe_inference_v1_ModelInfo, _aloe_inference_v1_ModelInfo__Output>
        MultipleChoice: MessageTypeDefinition<_aloe_inference_v1_MultipleChoice, _aloe_inference_v1_MultipleChoice__Output>
        RenderedPrompt: MessageTypeDefinition<_aloe_inference_v1_RenderedPrompt, _aloe_inference_v1_RenderedPrompt__Output>
        Role: EnumTypeDefinition
        Sample: MessageTypeDefinition<_aloe_inference_v1_Sample, _aloe_inference_v1_Sample__Output>
        SamplingParams: MessageTypeDefinition<_aloe_inference_v1_SamplingParams, _aloe_inference_v1_SamplingParams__Output>
        StopReason: EnumTypeDefinition
        StopToken: MessageTypeDefinition<_aloe_inference_v1_StopToken, _aloe_inference_v1_StopToken__Output>
        Strategy: EnumTypeDefinition
        StrategyResult: MessageTypeDefinition<_aloe_inference_v1_StrategyResult, _aloe_inference_v1_StrategyResult__Output>
        Timings: MessageTypeDefinition<_aloe_inference_v1_Timings, _aloe_inference_v1_Timings__Output>
        Usage: MessageTypeDefinition<_aloe_inference_v1_Usage, _aloe_inference_v1_Usage__Output>
        Vote: MessageTypeDefinition<_aloe_inference_v1_Vote, _aloe_inference_v1_Vote__Output>
      }
    }
  }
}

