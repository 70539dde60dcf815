// Original file: proto/aloe/inference/v1/inference.proto

import type { GenerateResponse as _aloe_inference_v1_GenerateResponse, GenerateResponse__Output as _aloe_inference_v1_GenerateResponse__Output } from '../../../aloe/inference/v1/GenerateResponse.js';

export interface GenerateStreamChunk {
  'textDelta'?: (string);
  'final'?: (_aloe_inference_v1_GenerateResponse | null);
  'chunk'?: "textDelta"|"final";
}

export interface GenerateStreamChunk__Output {
  'textDelta'?: (string);
  'final'?: (_aloe_inference_v1_GenerateResponse__Output | null);
  'chunk'?: "textDelta"|"final";
}
