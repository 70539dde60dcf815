// Original file: proto/aloe/inference/v1/inference.proto

import type { ModelIdentity as _aloe_inference_v1_ModelIdentity, ModelIdentity__Output as _aloe_inference_v1_ModelIdentity__Output } from '../../../aloe/inference/v1/ModelIdentity.js';
import type { StopToken as _aloe_inference_v1_StopToken, StopToken__Output as _aloe_inference_v1_StopToken__Output } from '../../../aloe/inference/v1/StopToken.js';
import type { ModelDefaults as _aloe_inference_v1_ModelDefaults, ModelDefaults__Output as _aloe_inference_v1_ModelDefaults__Output } from '../../../aloe/inference/v1/ModelDefaults.js';
import type { Licence as _aloe_inference_v1_Licence, Licence__Output as _aloe_inference_v1_Licence__Output } from '../../../aloe/inference/v1/Licence.js';

export interface ModelInfo {
  'identity'?: (_aloe_inference_v1_ModelIdentity | null);
  'contextSize'?: (number);
  'parallelSequences'?: (number);
  'threads'?: (number);
  'backend'?: (string);
  'queueCapacity'?: (number);
  'stopTokens'?: (_aloe_inference_v1_StopToken)[];
  'defaults'?: (_aloe_inference_v1_ModelDefaults | null);
  'licence'?: (_aloe_inference_v1_Licence | null);
  'chatTemplateText'?: (string);
}

export interface ModelInfo__Output {
  'identity': (_aloe_inference_v1_ModelIdentity__Output | null);
  'contextSize': (number);
  'parallelSequences': (number);
  'threads': (number);
  'backend': (string);
  'queueCapacity': (number);
  'stopTokens': (_aloe_inference_v1_StopToken__Output)[];
  'defaults': (_aloe_inference_v1_ModelDefaults__Output | null);
  'licence': (_aloe_inference_v1_Licence__Output | null);
  'chatTemplateText': (string);
}
