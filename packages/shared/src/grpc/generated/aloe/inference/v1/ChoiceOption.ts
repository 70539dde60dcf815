// Original file: proto/aloe/inference/v1/inference.proto


export interface ChoiceOption {
  'key'?: (string);
  'text'?: (string);
}

export interface ChoiceOption__Output {
  'key': (string);
  'text': (string);
}
