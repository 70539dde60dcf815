// Original file: proto/aloe/inference/v1/inference.proto


export interface StopToken {
  'id'?: (number);
  'text'?: (string);
  'sources'?: (string)[];
}

export interface StopToken__Output {
  'id': (number);
  'text': (string);
  'sources': (string)[];
}
