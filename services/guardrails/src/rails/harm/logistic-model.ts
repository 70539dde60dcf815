import { textFeatures } from './features.js';

export interface LogisticModel {
  weights: Float32Array;
  bias: number;
  /** Probability at or above which a text is flagged. */
  threshold: number;
}

export function probability(model: LogisticModel, text: string): number {
  let score = model.bias;
  for (const [bucket, value] of textFeatures(text)) score += model.weights[bucket]! * value;
  return 1 / (1 + Math.exp(-score));
}

export function deserializeModel(serialized: {
  weights: string;
  bias: number;
  threshold: number;
}): LogisticModel {
  const bytes = Buffer.from(serialized.weights, 'base64');
  return {
    weights: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
    bias: serialized.bias,
    threshold: serialized.threshold,
  };
}
