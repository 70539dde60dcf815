// Original file: proto/aloe/inference/v1/inference.proto

import type { ChoiceOption as _aloe_inference_v1_ChoiceOption, ChoiceOption__Output as _aloe_inference_v1_ChoiceOption__Output } from '../../../aloe/inference/v1/ChoiceOption.js';

export interface MultipleChoice {
  'question'?: (string);
  'options'?: (_aloe_inference_v1_ChoiceOption)[];
}

export interface MultipleChoice__Output {
  'question': (string);
  'options': (_aloe_inference_v1_ChoiceOption__Output)[];
}
