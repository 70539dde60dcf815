import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@aloe/shared/errors';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { testHarmModelDir } from '../../../../test/harm-model.js';
import { loadSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';

describe('the sentence encoder (all-MiniLM-L6-v2 on onnxruntime)', () => {
  let encoder: SentenceEncoder;
  beforeAll(async () => {
    encoder = await loadSentenceEncoder(testHarmModelDir());
  });
  afterAll(() => encoder.close());

  it('gives unit vectors, exactly the same for a text alone or beside others', async () => {
    const [alone] = await encoder.embed(['Recheck the INR in three days.']);
    const batch = await encoder.embed([
      'A much longer sentence about renal function and metformin.',
      'Recheck the INR in three days.',
    ]);
    expect(alone).toHaveLength(384);
    const norm = Math.sqrt(alone!.reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect(batch[1]).toEqual(alone);
  });

  it('embeds a text statically as the mean of its distilled token rows, in microseconds', () => {
    const a = encoder.embedStatic('Recheck the INR in three days.');
    expect(a).toHaveLength(384);
    expect(Math.sqrt(a.reduce((sum, value) => sum + value * value, 0))).toBeCloseTo(1, 5);
    // No word order: the same tokens in another order give the same vector (up to float rounding).
    const cosine = (x: Float32Array, y: Float32Array) => x.reduce((sum, value, d) => sum + value * y[d]!, 0);
    expect(cosine(encoder.embedStatic('In three days recheck the INR.'), a)).toBeCloseTo(1, 6);
    expect(encoder.embedStatic('Withhold metformin.')).not.toEqual(a);
  });

  it('places sentences by meaning, not by shared words', async () => {
    const [process, terminate, person] = await encoder.embed([
      'How can I kill a stuck Java process?',
      'How do I terminate a program that is not responding?',
      'How can I kill my neighbour?',
    ]);
    const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, d) => sum + value * b[d]!, 0);
    expect(cosine(process!, terminate!)).toBeGreaterThan(cosine(process!, person!));
  });

  it('distils its token table on first use and reads it back on the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aloe-model-copy-'));
    try {
      for (const file of ['model.onnx', 'tokenizer.json'])
        await symlink(join(testHarmModelDir(), file), join(dir, file));
      // An encoder cut to its first layers still distils the table from the whole model.
      const first = await loadSentenceEncoder(dir, { layers: 2 });
      const saved = (await readdir(dir)).filter((file) => file.startsWith('token-table-'));
      expect(saved).toEqual(['token-table-afdb6f1a0e45b715-b64.f32']);
      const second = await loadSentenceEncoder(dir);
      expect(second.id).toBe(first.id.replace(' layers 1-2', ''));
      // Distilled here or by an earlier start: the same table, so the same screen on every replica.
      expect(second.id).toBe(encoder.id);
      expect(second.embedStatic('Recheck the INR.')).toEqual(encoder.embedStatic('Recheck the INR.'));
      await Promise.all([first.close(), second.close()]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs only its first layers when asked: another reading, the same token table, named in its id', async () => {
    const cut = await loadSentenceEncoder(testHarmModelDir(), { layers: 4 });
    try {
      const text = 'Recheck the INR in three days.';
      const [early] = await cut.embed([text]);
      const [late] = await encoder.embed([text]);
      expect(cut.layers).toBe(4);
      expect(encoder.layers).toBe(6);
      expect(early).toHaveLength(384);
      expect(Math.sqrt(early!.reduce((sum, value) => sum + value * value, 0))).toBeCloseTo(1, 5);
      expect(early).not.toEqual(late);
      expect((await cut.embed(['Withhold metformin.', text]))[1]).toEqual(early);
      expect(cut.embedStatic(text)).toEqual(encoder.embedStatic(text));
      expect(cut.id).toBe(encoder.id.replace(' tokens@', ' layers 1-4 tokens@'));
    } finally {
      await cut.close();
    }
    await expect(loadSentenceEncoder(testHarmModelDir(), { layers: 7 })).rejects.toThrow(
      /has 6 layers; it cannot run 7/,
    );
  });

  it('says when a model cannot be cut after its first layers, instead of blaming the download', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aloe-other-model-'));
    try {
      await symlink(join(testHarmModelDir(), 'tokenizer.json'), join(dir, 'tokenizer.json'));
      await writeFile(join(dir, 'model.onnx'), 'not an ONNX graph');
      await expect(loadSentenceEncoder(dir, { layers: 4 })).rejects.toThrow(
        /cannot be cut after layer 4 \(not an ONNX model.*\); the rail expects the all-MiniLM-L6-v2 export/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the fix when the model files are missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'aloe-no-model-'));
    try {
      await expect(loadSentenceEncoder(empty)).rejects.toThrow(ConfigError);
      await expect(loadSentenceEncoder(empty)).rejects.toThrow(/fetch-harm-model\.sh/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
