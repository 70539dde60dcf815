import { FEATURE_BUCKETS, textFeatures } from '../../rails/harm/features.js';
import type { LogisticModel } from '../../rails/harm/logistic-model.js';

/**
 * Trains a logistic regression by stochastic gradient descent with L2 regularisation. Each class counts
 * the same whatever its size, times an optional per-example weight (to make rare hard negatives count).
 * Deterministic: a fixed stride mixes the examples, no random generator.
 */
export function trainLogisticModel(
  examples: ReadonlyArray<{ text: string; harmful: boolean; weight?: number }>,
  options: { epochs?: number; learningRate?: number; l2?: number; threshold?: number } = {},
): LogisticModel {
  const weights = new Float32Array(FEATURE_BUCKETS);
  let bias = 0;
  const features = examples.map((example) => textFeatures(example.text));
  const positives = examples.filter((example) => example.harmful).length;
  const classWeight = {
    true: examples.length / (2 * positives),
    false: examples.length / (2 * (examples.length - positives)),
  };
  const l2 = options.l2 ?? 1e-6;
  for (let epoch = 0; epoch < (options.epochs ?? 30); epoch++) {
    const rate = (options.learningRate ?? 1) / (1 + epoch * 0.5);
    for (let i = 0; i < examples.length; i++) {
      const index = (i * 7919 + epoch * 104_729) % examples.length;
      const example = examples[index]!;
      let score = bias;
      for (const [bucket, value] of features[index]!) score += weights[bucket]! * value;
      const predicted = 1 / (1 + Math.exp(-score));
      const gradient =
        (predicted - (example.harmful ? 1 : 0)) * classWeight[`${example.harmful}`] * (example.weight ?? 1);
      for (const [bucket, value] of features[index]!)
        weights[bucket] = weights[bucket]! * (1 - rate * l2) - rate * gradient * value;
      bias -= rate * gradient;
    }
  }
  return { weights, bias, threshold: options.threshold ?? 0.9 };
}

/** Weights as base64 of a Float32Array, for a generated TypeScript module. */
export function serializeModel(model: LogisticModel): { weights: string; bias: number; threshold: number } {
  return {
    weights: Buffer.from(model.weights.buffer, model.weights.byteOffset, model.weights.byteLength).toString(
      'base64',
    ),
    bias: model.bias,
    threshold: model.threshold,
  };
}
