// Original file: proto/aloe/inference/v1/inference.proto


export interface Sample {
  'text'?: (string);
  'answer'?: (string);
  'promptIndex'?: (number);
}

export interface Sample__Output {
  'text': (string);
  'answer': (string);
  'promptIndex': (number);
}
