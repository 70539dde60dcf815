// Original file: proto/aloe/inference/v1/inference.proto


export interface ModelIdentity {
  'id'?: (string);
  'name'?: (string);
  'fileSha256'?: (string);
  'architecture'?: (string);
  'quantization'?: (string);
  'chatTemplate'?: (string);
  'contextLength'?: (number);
  'testModel'?: (boolean);
  'source'?: (string);
}

export interface ModelIdentity__Output {
  'id': (string);
  'name': (string);
  'fileSha256': (string);
  'architecture': (string);
  'quantization': (string);
  'chatTemplate': (string);
  'contextLength': (number);
  'testModel': (boolean);
  'source': (string);
}
