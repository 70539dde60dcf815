// Original file: proto/aloe/inference/v1/inference.proto

import type { Role as _aloe_inference_v1_Role, Role__Output as _aloe_inference_v1_Role__Output } from '../../../aloe/inference/v1/Role.js';

export interface ChatMessage {
  'role'?: (_aloe_inference_v1_Role);
  'content'?: (string);
}

export interface ChatMessage__Output {
  'role': (_aloe_inference_v1_Role__Output);
  'content': (string);
}
