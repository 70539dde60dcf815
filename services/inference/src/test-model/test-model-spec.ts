import { createSeededRandom } from '../generate/strategies/seeded-random.js';
import { GgmlType, type GgufTensor, type GgufValue } from './gguf-writer.js';

/** The chat templates a test model can carry: Llama 3.x (Aloe-Beta-8B/70B) or ChatML (Qwen2.5-Aloe). */
export type TestModelTemplate = 'llama3' | 'chatml';

export interface TestModelShape {
  embeddingLength: number;
  blockCount: number;
  feedForwardLength: number;
  headCount: number;
  headCountKv: number;
  contextLength: number;
}

/** Shapes: `tiny` for tests and the demo; `wide` has Llama-3.1-8B's width with one layer, for benchmarks. */
export const TEST_MODEL_SHAPES = {
  tiny: {
    embeddingLength: 64,
    blockCount: 2,
    feedForwardLength: 128,
    headCount: 4,
    headCountKv: 2,
    contextLength: 8192,
  },
  wide: {
    embeddingLength: 4096,
    blockCount: 1,
    feedForwardLength: 14_336,
    headCount: 32,
    headCountKv: 8,
    contextLength: 8192,
  },
} as const satisfies Record<string, TestModelShape>;

export interface TestModelSpec {
  shape: TestModelShape;
  template: TestModelTemplate;
  seed: number;
  /** ggml type of the weight matrices (norms stay F32). */
  weightType: GgmlType;
  name: string;
}

// Llama 3 Instruct's template (as in Meta's tokenizer_config.json).
const LLAMA3_TEMPLATE =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

// ChatML, as Qwen2.5 uses it.
const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

const CONTROL_TOKENS: Record<TestModelTemplate, { tokens: string[]; bos: string; eos: string }> = {
  llama3: {
    tokens: [
      '<|begin_of_text|>',
      '<|end_of_text|>',
      '<|start_header_id|>',
      '<|end_header_id|>',
      '<|eot_id|>',
      '<|eom_id|>',
    ],
    bos: '<|begin_of_text|>',
    eos: '<|eot_id|>',
  },
  chatml: { tokens: ['<|im_start|>', '<|im_end|>', '<|endoftext|>'], bos: '<s>', eos: '<|im_end|>' },
};

// tokenizer.ggml.token_type values (llama.cpp): normal, control.
const TokenType = { Normal: 1, Control: 3 } as const;

/**
 * GPT-2's byte-to-character table, which byte-level BPE vocabularies (Llama 3's, Qwen2.5's) use to
 * spell raw bytes as printable characters.
 */
export function byteToUnicode(): string[] {
  const printable = new Set<number>();
  for (const [from, to] of [
    [33, 126],
    [161, 172],
    [174, 255],
  ] as const) {
    for (let byte = from; byte <= to; byte++) printable.add(byte);
  }
  let next = 0;
  return Array.from({ length: 256 }, (_, byte) =>
    String.fromCodePoint(printable.has(byte) ? byte : 256 + next++),
  );
}

/**
 * A byte-level BPE vocabulary with no merges: the 256 byte tokens, then the template's control tokens.
 * Every text tokenizes (one token per byte) and detokenizes back to itself, as with Llama 3's tokenizer.
 */
export function buildVocabulary(template: TestModelTemplate) {
  const tokens = byteToUnicode();
  const types: number[] = tokens.map(() => TokenType.Normal);
  if (template === 'chatml') {
    tokens.push('<s>');
    types.push(TokenType.Control);
  }
  const control = CONTROL_TOKENS[template];
  for (const token of control.tokens) {
    tokens.push(token);
    types.push(TokenType.Control);
  }
  return {
    tokens,
    types,
    bosId: tokens.indexOf(control.bos),
    eosId: tokens.indexOf(control.eos),
    template: template === 'llama3' ? LLAMA3_TEMPLATE : CHATML_TEMPLATE,
  };
}

const FILE_TYPE: Record<GgmlType, number> = { [GgmlType.F32]: 0, [GgmlType.F16]: 1, [GgmlType.Q8_0]: 7 };

/** GGUF metadata and tensors of a random-weight llama model. Pure: values come from the seed. */
export function buildTestModel(spec: TestModelSpec): {
  metadata: Record<string, GgufValue>;
  tensors: GgufTensor[];
} {
  const { shape } = spec;
  const vocabulary = buildVocabulary(spec.template);
  const vocabSize = vocabulary.tokens.length;
  const headDim = shape.embeddingLength / shape.headCount;
  const kvWidth = headDim * shape.headCountKv;
  const random = createSeededRandom(spec.seed);

  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.name': { type: 'string', value: spec.name },
    'general.file_type': { type: 'u32', value: FILE_TYPE[spec.weightType] },
    'llama.vocab_size': { type: 'u32', value: vocabSize },
    'llama.context_length': { type: 'u32', value: shape.contextLength },
    'llama.embedding_length': { type: 'u32', value: shape.embeddingLength },
    'llama.block_count': { type: 'u32', value: shape.blockCount },
    'llama.feed_forward_length': { type: 'u32', value: shape.feedForwardLength },
    'llama.attention.head_count': { type: 'u32', value: shape.headCount },
    'llama.attention.head_count_kv': { type: 'u32', value: shape.headCountKv },
    'llama.rope.dimension_count': { type: 'u32', value: headDim },
    'llama.rope.freq_base': { type: 'f32', value: 500_000 },
    'llama.attention.layer_norm_rms_epsilon': { type: 'f32', value: 1e-5 },
    'tokenizer.ggml.model': { type: 'string', value: 'gpt2' },
    'tokenizer.ggml.pre': { type: 'string', value: spec.template === 'llama3' ? 'llama-bpe' : 'qwen2' },
    'tokenizer.ggml.tokens': { type: 'array', itemType: 'string', values: vocabulary.tokens },
    'tokenizer.ggml.token_type': { type: 'array', itemType: 'i32', values: vocabulary.types },
    'tokenizer.ggml.merges': { type: 'array', itemType: 'string', values: [] },
    'tokenizer.ggml.bos_token_id': { type: 'u32', value: vocabulary.bosId },
    'tokenizer.ggml.eos_token_id': { type: 'u32', value: vocabulary.eosId },
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: spec.template === 'llama3' },
    'tokenizer.chat_template': { type: 'string', value: vocabulary.template },
    // Our own keys: anything that reads the file can tell it is not a real model.
    'aloe.test_model': { type: 'bool', value: true },
    'aloe.test_model.seed': { type: 'u32', value: spec.seed },
  };

  const weights = (scale: number) => (out: Float32Array) => {
    for (let i = 0; i < out.length; i++) out[i] = (random() * 2 - 1) * scale;
  };
  const ones = (out: Float32Array) => out.fill(1);
  const matrix = (name: string, columns: number, rows: number, scale: number): GgufTensor => ({
    name,
    dims: [columns, rows],
    type: spec.weightType,
    fill: weights(scale),
  });
  const norm = (name: string): GgufTensor => ({
    name,
    dims: [shape.embeddingLength],
    type: GgmlType.F32,
    fill: ones,
  });

  const width = shape.embeddingLength;
  const scale = 1 / Math.sqrt(width);
  const tensors: GgufTensor[] = [matrix('token_embd.weight', width, vocabSize, 1)];
  for (let block = 0; block < shape.blockCount; block++) {
    tensors.push(
      norm(`blk.${block}.attn_norm.weight`),
      matrix(`blk.${block}.attn_q.weight`, width, width, scale),
      matrix(`blk.${block}.attn_k.weight`, width, kvWidth, scale),
      matrix(`blk.${block}.attn_v.weight`, width, kvWidth, scale),
      matrix(`blk.${block}.attn_output.weight`, width, width, scale),
      norm(`blk.${block}.ffn_norm.weight`),
      matrix(`blk.${block}.ffn_gate.weight`, width, shape.feedForwardLength, scale),
      matrix(`blk.${block}.ffn_up.weight`, width, shape.feedForwardLength, scale),
      matrix(
        `blk.${block}.ffn_down.weight`,
        shape.feedForwardLength,
        width,
        1 / Math.sqrt(shape.feedForwardLength),
      ),
    );
  }
  tensors.push(norm('output_norm.weight'));
  return { metadata, tensors };
}
