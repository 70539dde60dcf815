// Original file: proto/aloe/inference/v1/inference.proto

import type { StopReason as _aloe_inference_v1_StopReason, StopReason__Output as _aloe_inference_v1_StopReason__Output } from '../../../aloe/inference/v1/StopReason.js';
import type { Usage as _aloe_inference_v1_Usage, Usage__Output as _aloe_inference_v1_Usage__Output } from '../../../aloe/inference/v1/Usage.js';
import type { ModelIdentity as _aloe_inference_v1_ModelIdentity, ModelIdentity__Output as _aloe_inference_v1_ModelIdentity__Output } from '../../../aloe/inference/v1/ModelIdentity.js';
import type { Timings as _aloe_inference_v1_Timings, Timings__Output as _aloe_inference_v1_Timings__Output } from '../../../aloe/inference/v1/Timings.js';
import type { StrategyResult as _aloe_inference_v1_StrategyResult, StrategyResult__Output as _aloe_inference_v1_StrategyResult__Output } from '../../../aloe/inference/v1/StrategyResult.js';
import type { RenderedPrompt as _aloe_inference_v1_RenderedPrompt, RenderedPrompt__Output as _aloe_inference_v1_RenderedPrompt__Output } from '../../../aloe/inference/v1/RenderedPrompt.js';
import type { StopToken as _aloe_inference_v1_StopToken, StopToken__Output as _aloe_inference_v1_StopToken__Output } from '../../../aloe/inference/v1/StopToken.js';

export interface GenerateResponse {
  'requestId'?: (string);
  'text'?: (string);
  'json'?: (string);
  'stopReason'?: (_aloe_inference_v1_StopReason);
  'usage'?: (_aloe_inference_v1_Usage | null);
  'model'?: (_aloe_inference_v1_ModelIdentity | null);
  'timings'?: (_aloe_inference_v1_Timings | null);
  'strategyResult'?: (_aloe_inference_v1_StrategyResult | null);
  'prompts'?: (_aloe_inference_v1_RenderedPrompt)[];
  'promptIndex'?: (number);
  'stopToken'?: (_aloe_inference_v1_StopToken | null);
}

export interface GenerateResponse__Output {
  'requestId': (string);
  'text': (string);
  'json': (string);
  'stopReason': (_aloe_inference_v1_StopReason__Output);
  'usage': (_aloe_inference_v1_Usage__Output | null);
  'model': (_aloe_inference_v1_ModelIdentity__Output | null);
  'timings': (_aloe_inference_v1_Timings__Output | null);
  'strategyResult': (_aloe_inference_v1_StrategyResult__Output | null);
  'prompts': (_aloe_inference_v1_RenderedPrompt__Output)[];
  'promptIndex': (number);
  'stopToken': (_aloe_inference_v1_StopToken__Output | null);
}
