// Original file: proto/aloe/inference/v1/inference.proto

import type { ChatMessage as _aloe_inference_v1_ChatMessage, ChatMessage__Output as _aloe_inference_v1_ChatMessage__Output } from '../../../aloe/inference/v1/ChatMessage.js';
import type { SamplingParams as _aloe_inference_v1_SamplingParams, SamplingParams__Output as _aloe_inference_v1_SamplingParams__Output } from '../../../aloe/inference/v1/SamplingParams.js';
import type { Strategy as _aloe_inference_v1_Strategy, Strategy__Output as _aloe_inference_v1_Strategy__Output } from '../../../aloe/inference/v1/Strategy.js';
import type { MultipleChoice as _aloe_inference_v1_MultipleChoice, MultipleChoice__Output as _aloe_inference_v1_MultipleChoice__Output } from '../../../aloe/inference/v1/MultipleChoice.js';

export interface GenerateRequest {
  'requestId'?: (string);
  'messages'?: (_aloe_inference_v1_ChatMessage)[];
  'sampling'?: (_aloe_inference_v1_SamplingParams | null);
  'maxTokens'?: (number);
  'jsonSchema'?: (string);
  'strategy'?: (_aloe_inference_v1_Strategy);
  'samples'?: (number);
  'multipleChoice'?: (_aloe_inference_v1_MultipleChoice | null);
}

export interface GenerateRequest__Output {
  'requestId': (string);
  'messages': (_aloe_inference_v1_ChatMessage__Output)[];
  'sampling': (_aloe_inference_v1_SamplingParams__Output | null);
  'maxTokens': (number);
  'jsonSchema': (string);
  'strategy': (_aloe_inference_v1_Strategy__Output);
  'samples': (number);
  'multipleChoice': (_aloe_inference_v1_MultipleChoice__Output | null);
}
