import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { encodeTensor, GgmlType, tensorSizeBytes, toHalf } from './gguf-writer.js';
import { makeTestModel } from './make-test-model.js';
import { buildVocabulary, byteToUnicode } from './test-model-spec.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aloe-test-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the GGUF writer', () => {
  it('encodes half floats exactly for representable values', () => {
    expect([0, 1, -2, 0.5, 65504].map(toHalf)).toEqual([0x0000, 0x3c00, 0xc000, 0x3800, 0x7bff]);
  });

  it('encodes Q8_0 as blocks of an f16 scale and 32 signed bytes', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? (i - 16) / 16 : 0));
    const encoded = encodeTensor(values, GgmlType.Q8_0);
    expect(encoded.length).toBe(tensorSizeBytes([64], GgmlType.Q8_0));
    expect(encoded.length).toBe(68);
    expect(encoded.readUInt16LE(0)).toBe(toHalf(1 / 127));
    expect(encoded.readInt8(2)).toBe(-127); // -16/16 → -1.0 → -127 × scale
    expect(encoded.readInt8(2 + 24)).toBe(Math.round((8 / 16) * 127));
    expect(encoded.readUInt16LE(34)).toBe(0); // an all-zero block has scale 0
  });

  it('refuses Q8_0 rows that are not a multiple of 32', () => {
    expect(() => tensorSizeBytes([48, 2], GgmlType.Q8_0)).toThrow(/multiple of 32/);
  });
});

describe('makeTestModel', () => {
  it.each(['llama3', 'chatml'] as const)(
    'writes a %s model an independent GGUF reader accepts',
    async (template) => {
      const { path, sizeBytes } = await makeTestModel({ path: join(dir, `${template}.gguf`), template });
      const parsed = await gguf(path, { allowLocalFile: true });
      const metadata = parsed.metadata as unknown as Record<string, unknown>;
      const { tensorInfos } = parsed;
      expect(metadata.version).toBe(3);
      expect(metadata['general.architecture']).toBe('llama');
      expect(metadata['general.name']).toContain('TEST MODEL');
      expect(metadata['aloe.test_model']).toBe(true);
      expect(metadata['llama.block_count']).toBe(2);
      expect(metadata['tokenizer.chat_template']).toContain(
        template === 'llama3' ? '<|start_header_id|>' : '<|im_start|>',
      );
      const names = tensorInfos.map((tensor) => tensor.name);
      expect(names).toContain('token_embd.weight');
      expect(names).toContain('blk.1.ffn_down.weight');
      expect(names).not.toContain('output.weight'); // tied embeddings
      const embedding = tensorInfos.find((tensor) => tensor.name === 'token_embd.weight');
      expect(embedding?.shape.map(Number)).toEqual([64, buildVocabulary(template).tokens.length]);
      expect(sizeBytes).toBe((await readFile(path)).length);
    },
  );

  it('is deterministic from its seed', async () => {
    const a = await readFile((await makeTestModel({ path: join(dir, 'a.gguf'), seed: 7 })).path);
    const b = await readFile((await makeTestModel({ path: join(dir, 'b.gguf'), seed: 7 })).path);
    const c = await readFile((await makeTestModel({ path: join(dir, 'c.gguf'), seed: 8 })).path);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });
});

describe('the byte-level vocabulary', () => {
  it('spells all 256 bytes with distinct printable characters, as GPT-2 does', () => {
    const table = byteToUnicode();
    expect(new Set(table).size).toBe(256);
    expect(table[0x20]).toBe('Ġ');
    expect(table[0x41]).toBe('A');
    expect(table[0x0a]).toBe('Ċ');
  });

  it('ends with the template control tokens and points bos/eos at them', () => {
    const llama3 = buildVocabulary('llama3');
    expect(llama3.tokens[llama3.eosId]).toBe('<|eot_id|>');
    expect(llama3.tokens[llama3.bosId]).toBe('<|begin_of_text|>');
    const chatml = buildVocabulary('chatml');
    expect(chatml.tokens[chatml.eosId]).toBe('<|im_end|>');
  });
});
