// Original file: proto/aloe/inference/v1/inference.proto


export interface Vote {
  'answer'?: (string);
  'count'?: (number);
}

export interface Vote__Output {
  'answer': (string);
  'count': (number);
}
