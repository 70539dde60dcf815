// Original file: proto/aloe/inference/v1/inference.proto


export interface Usage {
  'promptTokens'?: (number);
  'completionTokens'?: (number);
}

export interface Usage__Output {
  'promptTokens': (number);
  'completionTokens': (number);
}
