import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import * as ort from 'onnxruntime-node';
import { testHarmModelDir } from '../../../../test/harm-model.js';
import { truncateEncoderLayers } from './onnx-layers.js';

/** last_hidden_state for one sequence of token ids. */
async function hiddenStates(onnx: Uint8Array, ids: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
  try {
    const shape = [1, ids.length];
    const output = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), shape),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), shape),
    });
    expect(session.outputNames).toEqual(['last_hidden_state']);
    return output.last_hidden_state!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('cutting the encoder after its first layers', () => {
  let onnx: Uint8Array;
  // [CLS], four word pieces, [SEP]
  const ids = [101, 28667, 5369, 1996, 1999, 2099, 102];
  beforeAll(async () => {
    onnx = new Uint8Array(await readFile(join(testHarmModelDir(), 'model.onnx')));
  });

  it('cut after the last layer, computes exactly what the whole model computes', async () => {
    const whole = await hiddenStates(onnx, ids);
    expect(await hiddenStates(truncateEncoderLayers(onnx, 6), ids)).toEqual(whole);
  });

  it('keeps only the first layers: a smaller graph with a different output of the same shape', async () => {
    const cut = truncateEncoderLayers(onnx, 3);
    const names = Buffer.from(cut);
    // Layer 2's output is now the graph's output, and nothing of it is left for a next layer.
    expect(names.includes('/encoder/layer.2/output/LayerNorm/Add_1_output_0')).toBe(false);
    expect(names.includes('/encoder/layer.2/attention/')).toBe(true);
    expect(names.includes('/encoder/layer.3/')).toBe(false);
    expect(names.includes('/encoder/layer.5/')).toBe(false);
    // Each layer holds ~1.8 MB of int8 weights; the three dropped layers' weights are gone.
    expect(onnx.byteLength - cut.byteLength).toBeGreaterThan(3 * 1_700_000);
    const [whole, early] = [await hiddenStates(onnx, ids), await hiddenStates(cut, ids)];
    expect(early).toHaveLength(whole.length);
    expect(early).not.toEqual(whole);
    expect(early.every(Number.isFinite)).toBe(true);
  });

  it('refuses what it cannot cut, saying why', () => {
    expect(() => truncateEncoderLayers(onnx, 7)).toThrow(/no node named .*layer\.6.*fewer than 7 layers/);
    expect(() => truncateEncoderLayers(onnx, 0)).toThrow(/whole number ≥ 1/);
    expect(() => truncateEncoderLayers(new TextEncoder().encode('{"not": "onnx"}'), 3)).toThrow(
      /not an ONNX model/,
    );
  });
});
