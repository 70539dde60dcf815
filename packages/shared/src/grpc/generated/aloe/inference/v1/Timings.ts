// Original file: proto/aloe/inference/v1/inference.proto


export interface Timings {
  'queueMs'?: (number | string);
  'timeToFirstTokenMs'?: (number | string);
  'totalMs'?: (number | string);
  'tokensPerSecond'?: (number | string);
}

export interface Timings__Output {
  'queueMs': (number);
  'timeToFirstTokenMs': (number);
  'totalMs': (number);
  'tokensPerSecond': (number);
}
