import type { MlpModel, SerializedMlp } from '../../rails/harm/mlp.js';

export interface MlpExample {
  x: Float32Array;
  harmful: boolean;
  weight?: number;
}

/** A small linear congruential generator in [-0.5, 0.5): the same weights on every machine. */
function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

/**
 * Mini-batch Adam with L2 on the weights; every step is deterministic (seeded initialisation, a fixed
 * stride through the examples). Trains on examples whose classes each count the same whatever their size, times per-example weights. */
export function trainMlp(
  examples: readonly MlpExample[],
  options: { hidden?: number; epochs?: number; learningRate?: number; l2?: number; seed?: number } = {},
): MlpModel {
  const inputs = examples[0]?.x.length ?? 0;
  const hidden = options.hidden ?? 64;
  const epochs = options.epochs ?? 30;
  const learningRate = options.learningRate ?? 0.003;
  const l2 = options.l2 ?? 1e-4;
  const uniform = seededUniform(options.seed ?? 42);
  const scale = 2 * Math.sqrt(6 / (inputs + hidden));
  const model: MlpModel = {
    inputs,
    hidden,
    w1: Float32Array.from({ length: hidden * inputs }, () => uniform() * scale),
    b1: new Float32Array(hidden),
    w2: Float32Array.from({ length: hidden }, () => uniform() * 0.2),
    b2: 0,
  };
  const positives = examples.filter((example) => example.harmful).length;
  const classWeight = (harmful: boolean) =>
    examples.length / (2 * (harmful ? positives : examples.length - positives));

  // Adam state, one slot per parameter; b2 is the last slot of the output layer's arrays.
  const params = [model.w1, model.b1, model.w2, new Float32Array(1)];
  const grads = params.map((param) => new Float32Array(param.length));
  const m = params.map((param) => new Float32Array(param.length));
  const v = params.map((param) => new Float32Array(param.length));
  const activations = new Float32Array(hidden);
  const batch = 16;
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let start = 0; start < examples.length; start += batch) {
      for (const grad of grads) grad.fill(0);
      for (let i = start; i < Math.min(start + batch, examples.length); i++) {
        const example = examples[(i * 7919 + epoch * 104_729) % examples.length]!;
        let z = model.b2;
        for (let h = 0; h < hidden; h++) {
          let a = model.b1[h]!;
          const row = h * inputs;
          for (let d = 0; d < inputs; d++) a += model.w1[row + d]! * example.x[d]!;
          activations[h] = Math.max(a, 0);
          z += model.w2[h]! * activations[h]!;
        }
        const error =
          (1 / (1 + Math.exp(-z)) - (example.harmful ? 1 : 0)) *
          classWeight(example.harmful) *
          (example.weight ?? 1);
        grads[3]![0]! += error;
        for (let h = 0; h < hidden; h++) {
          grads[2]![h]! += error * activations[h]!;
          if (activations[h]! <= 0) continue;
          const back = error * model.w2[h]!;
          const row = h * inputs;
          for (let d = 0; d < inputs; d++) grads[0]![row + d]! += back * example.x[d]!;
          grads[1]![h]! += back;
        }
      }
      step++;
      const correction1 = 1 - 0.9 ** step;
      const correction2 = 1 - 0.999 ** step;
      params.forEach((param, p) => {
        const grad = grads[p]!;
        for (let j = 0; j < param.length; j++) {
          const g = grad[j]! / batch + (p === 0 ? l2 * param[j]! : 0);
          m[p]![j] = 0.9 * m[p]![j]! + 0.1 * g;
          v[p]![j] = 0.999 * v[p]![j]! + 0.001 * g * g;
          param[j]! -=
            (learningRate * (m[p]![j]! / correction1)) / (Math.sqrt(v[p]![j]! / correction2) + 1e-8);
        }
      });
      model.b2 = params[3]![0]!;
    }
  }
  return model;
}

const toBase64 = (array: Float32Array) =>
  Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');

export function serializeMlp(model: MlpModel): SerializedMlp {
  return { ...model, w1: toBase64(model.w1), b1: toBase64(model.b1), w2: toBase64(model.w2) };
}
