// Original file: proto/aloe/inference/v1/inference.proto


export interface Licence {
  'id'?: (string);
  'url'?: (string);
  'nonCommercial'?: (boolean);
}

export interface Licence__Output {
  'id': (string);
  'url': (string);
  'nonCommercial': (boolean);
}
