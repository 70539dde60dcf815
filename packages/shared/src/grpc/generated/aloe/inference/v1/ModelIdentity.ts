// Original file: proto/aloe/inference/v1/inference.proto

import type { ModelFilePart as _aloe_inference_v1_ModelFilePart, ModelFilePart__Output as _aloe_inference_v1_ModelFilePart__Output } from '../../../aloe/inference/v1/ModelFilePart.js';

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
  'parts'?: (_aloe_inference_v1_ModelFilePart)[];
  'seedModel'?: (string);
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
  'parts': (_aloe_inference_v1_ModelFilePart__Output)[];
  'seedModel': (string);
}
