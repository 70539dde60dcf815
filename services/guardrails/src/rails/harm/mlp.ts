/**
 * A one-hidden-layer perceptron (ReLU, sigmoid output) over a dense vector: the head that turns a
 * sentence embedding into P(harmful). Trained offline (src/training/harm-classifier/train-mlp.ts); the rail
 * only reads the weights.
 */
export interface MlpModel {
  inputs: number;
  hidden: number;
  /** hidden × inputs, row-major. */
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: number;
}

export function mlpProbability(model: MlpModel, x: Float32Array): number {
  let z = model.b2;
  for (let h = 0; h < model.hidden; h++) {
    let a = model.b1[h]!;
    const row = h * model.inputs;
    for (let d = 0; d < model.inputs; d++) a += model.w1[row + d]! * x[d]!;
    if (a > 0) z += model.w2[h]! * a;
  }
  return 1 / (1 + Math.exp(-z));
}

const fromBase64 = (text: string) => {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

export interface SerializedMlp {
  inputs: number;
  hidden: number;
  w1: string;
  b1: string;
  w2: string;
  b2: number;
}

export function deserializeMlp(serialized: SerializedMlp): MlpModel {
  return {
    ...serialized,
    w1: fromBase64(serialized.w1),
    b1: fromBase64(serialized.b1),
    w2: fromBase64(serialized.w2),
  };
}
