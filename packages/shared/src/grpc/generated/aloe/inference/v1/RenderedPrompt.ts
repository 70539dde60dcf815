// Original file: proto/aloe/inference/v1/inference.proto

import type { ChatMessage as _aloe_inference_v1_ChatMessage, ChatMessage__Output as _aloe_inference_v1_ChatMessage__Output } from '../../../aloe/inference/v1/ChatMessage.js';

export interface RenderedPrompt {
  'text'?: (string);
  'tokenCount'?: (number);
  'sha256'?: (string);
  'templateId'?: (string);
  'variables'?: ({[key: string]: string});
  'messages'?: (_aloe_inference_v1_ChatMessage)[];
}

export interface RenderedPrompt__Output {
  'text': (string);
  'tokenCount': (number);
  'sha256': (string);
  'templateId': (string);
  'variables': ({[key: string]: string});
  'messages': (_aloe_inference_v1_ChatMessage__Output)[];
}
