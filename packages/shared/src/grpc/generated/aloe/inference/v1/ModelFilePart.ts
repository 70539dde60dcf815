// Original file: proto/aloe/inference/v1/inference.proto

import type { Long } from '@grpc/proto-loader';

export interface ModelFilePart {
  'fileName'?: (string);
  'sizeBytes'?: (number | string | Long);
  'sha256'?: (string);
}

export interface ModelFilePart__Output {
  'fileName': (string);
  'sizeBytes': (string);
  'sha256': (string);
}
