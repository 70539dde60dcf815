import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  LLAMA_3_1_INSTRUCT_TEMPLATE,
  LLAMA_3_INSTRUCT_TEMPLATE,
  QWEN_2_5_INSTRUCT_TEMPLATE,
} from '../model/published-templates.js';
import { SEED_MODELS, type SeedModelKey } from '../model/seed-models.js';
import { encodeTensor, GgmlType, splitPartPaths, tensorSizeBytes, toHalf } from './gguf-writer.js';
import { makeTestModel } from './make-test-model.js';
import { seedTestModelSpec } from './seed-test-models.js';
import { buildSeedVocabulary, buildVocabulary, byteToUnicode, chainTokens } from './test-model-spec.js';

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
    // As in Meta's Llama 3 files and Llama3-Aloe-8B-Alpha's: eos is <|end_of_text|>, not <|eot_id|>.
    expect(llama3.tokens[llama3.eosId]).toBe('<|end_of_text|>');
    expect(llama3.tokens[llama3.bosId]).toBe('<|begin_of_text|>');
    const chatml = buildVocabulary('chatml');
    expect(chatml.tokens[chatml.eosId]).toBe('<|im_end|>');
  });
});

describe("the seed systems' test models", () => {
  const expected: Record<
    SeedModelKey,
    { template: string; architecture: string; eos: [number, string]; parts: number; vocab: number }
  > = {
    'llama3-aloe-8b-alpha': {
      template: LLAMA_3_INSTRUCT_TEMPLATE,
      architecture: 'llama',
      eos: [128_001, '<|end_of_text|>'],
      parts: 1,
      vocab: 128_256,
    },
    'llama3.1-aloe-beta-8b': {
      template: LLAMA_3_1_INSTRUCT_TEMPLATE,
      architecture: 'llama',
      eos: [128_009, '<|eot_id|>'],
      parts: 1,
      vocab: 128_256,
    },
    'llama3.1-aloe-beta-70b': {
      template: LLAMA_3_1_INSTRUCT_TEMPLATE,
      architecture: 'llama',
      eos: [128_009, '<|eot_id|>'],
      parts: 3,
      vocab: 128_256,
    },
    'qwen2.5-aloe-beta-7b': {
      template: QWEN_2_5_INSTRUCT_TEMPLATE,
      architecture: 'qwen2',
      eos: [151_645, '<|im_end|>'],
      parts: 1,
      vocab: 152_064,
    },
    'qwen2.5-aloe-beta-72b': {
      template: QWEN_2_5_INSTRUCT_TEMPLATE,
      architecture: 'qwen2',
      eos: [151_645, '<|im_end|>'],
      parts: 3,
      vocab: 152_064,
    },
  };

  it.each(Object.keys(expected) as SeedModelKey[])(
    '%s carries the real template, special-token ids, eos and file layout',
    async (key) => {
      const want = expected[key];
      const { path, paths } = await makeTestModel({ path: join(dir, `${key}.gguf`), seedModel: key });
      expect(paths).toHaveLength(want.parts);
      const metadata = (await gguf(path, { allowLocalFile: true })).metadata as unknown as Record<
        string,
        unknown
      >;
      const tokens = metadata['tokenizer.ggml.tokens'] as string[];
      expect(metadata['general.architecture']).toBe(want.architecture);
      expect(metadata['general.name']).toContain(SEED_MODELS[key].name);
      expect(metadata['general.name']).toContain('TEST MODEL');
      expect(metadata['tokenizer.chat_template']).toBe(want.template);
      expect(tokens).toHaveLength(want.vocab);
      expect(metadata['tokenizer.ggml.eos_token_id']).toBe(want.eos[0]);
      expect(tokens[want.eos[0]]).toBe(want.eos[1]);
      if (want.architecture === 'llama') {
        expect(tokens[128_000]).toBe('<|begin_of_text|>');
        expect(tokens[128_009]).toBe('<|eot_id|>');
        expect(tokens[128_006]).toBe('<|start_header_id|>');
        // Llama 3.1 added <|eom_id|> where Llama 3 had a reserved token.
        expect(tokens[128_008]).toBe(
          key === 'llama3-aloe-8b-alpha' ? '<|reserved_special_token_4|>' : '<|eom_id|>',
        );
        expect(metadata['tokenizer.ggml.add_bos_token']).toBe(true);
      } else {
        expect(tokens.slice(151_643, 151_646)).toEqual(['<|endoftext|>', '<|im_start|>', '<|im_end|>']);
        expect(metadata['tokenizer.ggml.add_bos_token']).toBe(false);
      }
      if (want.parts > 1) {
        expect(metadata['split.count']).toBe(want.parts);
        expect(metadata['split.no']).toBe(0);
        for (const [i, part] of paths.entries()) {
          const partMetadata = (await gguf(part, { allowLocalFile: true })).metadata as unknown as Record<
            string,
            unknown
          >;
          expect(partMetadata['split.no']).toBe(i);
        }
      }
      await Promise.all(paths.map((file) => rm(file)));
    },
  );

  it('names split parts as llama.cpp looks for them', () => {
    expect(splitPartPaths('/m/Qwen2.5-Aloe-Beta-72B.Q4_K_M', 2)).toEqual([
      '/m/Qwen2.5-Aloe-Beta-72B.Q4_K_M-00001-of-00002.gguf',
      '/m/Qwen2.5-Aloe-Beta-72B.Q4_K_M-00002-of-00002.gguf',
    ]);
  });

  it('spells the tiktoken byte order and the biased chain in the real ids', () => {
    const vocabulary = buildSeedVocabulary('llama-3.1', {
      bos: '<|begin_of_text|>',
      eos: '<|eot_id|>',
      addBos: true,
    });
    // Llama 3's ids: "!" is 0, "A" is 32, "\n" (Ċ) is 198.
    expect(chainTokens(vocabulary, ['!A\n', { special: '<|eot_id|>' }])).toEqual([0, 32, 198, 128_009]);
    const { spec } = seedTestModelSpec('llama3-aloe-8b-alpha', { seed: 1, weightType: GgmlType.Q8_0 });
    expect(spec.chain?.slice(0, 6)).toEqual([198, 32, 75, 78, 68, 128_009]);
  });
});
