// Original file: proto/aloe/inference/v1/inference.proto

import type { Strategy as _aloe_inference_v1_Strategy, Strategy__Output as _aloe_inference_v1_Strategy__Output } from '../../../aloe/inference/v1/Strategy.js';
import type { Vote as _aloe_inference_v1_Vote, Vote__Output as _aloe_inference_v1_Vote__Output } from '../../../aloe/inference/v1/Vote.js';
import type { Sample as _aloe_inference_v1_Sample, Sample__Output as _aloe_inference_v1_Sample__Output } from '../../../aloe/inference/v1/Sample.js';

export interface StrategyResult {
  'strategy'?: (_aloe_inference_v1_Strategy);
  'answer'?: (string);
  'votes'?: (_aloe_inference_v1_Vote)[];
  'samples'?: (_aloe_inference_v1_Sample)[];
}

export interface StrategyResult__Output {
  'strategy': (_aloe_inference_v1_Strategy__Output);
  'answer': (string);
  'votes': (_aloe_inference_v1_Vote__Output)[];
  'samples': (_aloe_inference_v1_Sample__Output)[];
}
