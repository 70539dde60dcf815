// Original file: proto/aloe/inference/v1/inference.proto


export interface SamplingParams {
  'temperature'?: (number | string);
  'topP'?: (number | string);
  'topK'?: (number);
  'repeatPenalty'?: (number | string);
  'seed'?: (number);
  '_temperature'?: "temperature";
  '_topP'?: "topP";
  '_topK'?: "topK";
  '_repeatPenalty'?: "repeatPenalty";
  '_seed'?: "seed";
}

export interface SamplingParams__Output {
  'temperature'?: (number);
  'topP'?: (number);
  'topK'?: (number);
  'repeatPenalty'?: (number);
  'seed'?: (number);
  '_temperature'?: "temperature";
  '_topP'?: "topP";
  '_topK'?: "topK";
  '_repeatPenalty'?: "repeatPenalty";
  '_seed'?: "seed";
}
