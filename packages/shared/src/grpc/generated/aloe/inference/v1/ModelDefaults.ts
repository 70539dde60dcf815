// Original file: proto/aloe/inference/v1/inference.proto


export interface ModelDefaults {
  'temperature'?: (number | string);
  'topP'?: (number | string);
  'maxContextTokens'?: (number);
  'source'?: (string);
  '_temperature'?: "temperature";
  '_topP'?: "topP";
}

export interface ModelDefaults__Output {
  'temperature'?: (number);
  'topP'?: (number);
  'maxContextTokens': (number);
  'source': (string);
  '_temperature'?: "temperature";
  '_topP'?: "topP";
}
