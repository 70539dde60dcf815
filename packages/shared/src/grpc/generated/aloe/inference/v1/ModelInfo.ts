// Original file: proto/aloe/inference/v1/inference.proto

import type { ModelIdentity as _aloe_inference_v1_ModelIdentity, ModelIdentity__Output as _aloe_inference_v1_ModelIdentity__Output } from '../../../aloe/inference/v1/ModelIdentity.js';

export interface ModelInfo {
  'identity'?: (_aloe_inference_v1_ModelIdentity | null);
  'contextSize'?: (number);
  'parallelSequences'?: (number);
  'threads'?: (number);
  'backend'?: (string);
  'queueCapacity'?: (number);
}

export interface ModelInfo__Output {
  'identity': (_aloe_inference_v1_ModelIdentity__Output | null);
  'contextSize': (number);
  'parallelSequences': (number);
  'threads': (number);
  'backend': (string);
  'queueCapacity': (number);
}
