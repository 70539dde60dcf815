import { createSeededRandom } from '../generate/strategies/seeded-random.js';
import { CHATML_TEMPLATE, LLAMA_3_INSTRUCT_TEMPLATE } from '../model/published-templates.js';
import { GgmlType, type GgufTensor, type GgufValue } from './gguf-writer.js';

/** The generic test models' templates: Llama 3 (as Llama3-Aloe-8B-Alpha ships it) or ChatML. */
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

// tokenizer.ggml.token_type values (llama.cpp): normal, unknown, control, user-defined, unused, byte.
export const TokenType = { Normal: 1, Control: 3, UserDefined: 4, Unused: 5 } as const;

/** A vocabulary as a GGUF carries it, with the special token ids its metadata names. */
export interface TestVocabulary {
  tokens: string[];
  types: number[];
  bosId: number;
  eosId: number;
  /** `tokenizer.ggml.padding_token_id`, when the real file sets one. */
  paddingId?: number | undefined;
  addBos: boolean;
  /** `tokenizer.ggml.pre`: the pre-tokenizer llama.cpp applies. */
  pre: 'llama-bpe' | 'qwen2';
  /** The token id of each byte (byte-level BPE: every text tokenizes, one token per byte). */
  byteIds: number[];
}

export interface TestModelSpec {
  shape: TestModelShape;
  architecture: 'llama' | 'qwen2';
  vocabulary: TestVocabulary;
  chatTemplate: string;
  /** The trained context the metadata claims (`<arch>.context_length`), as in the real file. */
  contextLength: number;
  ropeFreqBase: number;
  seed: number;
  /** ggml type of the weight matrices (norms stay F32). */
  weightType: GgmlType;
  name: string;
  /**
   * Token ids the model emits deterministically: each token of the chain predicts the next (an untied
   * output layer scores only the next one, the blocks add nothing). Undefined = random weights.
   */
  chain?: readonly number[] | undefined;
}

/**
 * GPT-2's byte-to-character table, which byte-level BPE vocabularies (Llama 3's, Qwen2.5's) use to
 * spell raw bytes as printable characters.
 */
export function byteToUnicode(): string[] {
  const printable = printableBytes();
  const set = new Set(printable);
  let next = 0;
  return Array.from({ length: 256 }, (_, byte) => String.fromCodePoint(set.has(byte) ? byte : 256 + next++));
}

/** The bytes GPT-2 spells as themselves, in order; the other bytes follow them in tiktoken's ranks. */
function printableBytes(): number[] {
  const bytes: number[] = [];
  for (const [from, to] of [
    [33, 126],
    [161, 172],
    [174, 255],
  ] as const) {
    for (let byte = from; byte <= to; byte++) bytes.push(byte);
  }
  return bytes;
}

const GENERIC_CONTROL: Record<TestModelTemplate, { tokens: string[]; bos: string; eos: string }> = {
  // Llama 3's eos is <|end_of_text|>, as in Meta's Llama 3 and in Llama3-Aloe-8B-Alpha's own config:
  // <|eot_id|> ends a turn but is not the file's eos (docs/research-notes.md#chat-templates-and-stop-tokens),
  // so only a server that derives its stops from the template stops there.
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
    eos: '<|end_of_text|>',
  },
  chatml: { tokens: ['<|im_start|>', '<|im_end|>', '<|endoftext|>'], bos: '<s>', eos: '<|im_end|>' },
};

/**
 * The generic test models' small vocabulary: the 256 byte tokens in byte order, then the template's
 * control tokens. Every text tokenizes (one token per byte) and detokenizes back to itself.
 */
export function buildVocabulary(template: TestModelTemplate): TestVocabulary & { template: string } {
  const tokens = byteToUnicode();
  const types: number[] = tokens.map(() => TokenType.Normal);
  if (template === 'chatml') {
    tokens.push('<s>');
    types.push(TokenType.Control);
  }
  const control = GENERIC_CONTROL[template];
  for (const token of control.tokens) {
    tokens.push(token);
    types.push(TokenType.Control);
  }
  return {
    tokens,
    types,
    bosId: tokens.indexOf(control.bos),
    eosId: tokens.indexOf(control.eos),
    addBos: template === 'llama3',
    pre: template === 'llama3' ? 'llama-bpe' : 'qwen2',
    byteIds: Array.from({ length: 256 }, (_, byte) => byte),
    template: template === 'llama3' ? LLAMA_3_INSTRUCT_TEMPLATE : CHATML_TEMPLATE,
  };
}

/** The real vocabularies' sizes and special tokens (ids as in the published tokenizer files). */
export type SeedVocabularyName = 'llama-3' | 'llama-3.1' | 'qwen-2.5';

function llamaSpecials(version: '3' | '3.1'): Map<number, string> {
  const named =
    version === '3'
      ? { 128006: '<|start_header_id|>', 128007: '<|end_header_id|>', 128009: '<|eot_id|>' }
      : {
          128004: '<|finetune_right_pad_id|>',
          128006: '<|start_header_id|>',
          128007: '<|end_header_id|>',
          128008: '<|eom_id|>',
          128009: '<|eot_id|>',
          128010: '<|python_tag|>',
        };
  const specials = new Map<number, string>([
    [128000, '<|begin_of_text|>'],
    [128001, '<|end_of_text|>'],
  ]);
  let reserved = 0;
  for (let id = 128002; id < 128256; id++) {
    const name = (named as Record<number, string>)[id];
    specials.set(id, name ?? `<|reserved_special_token_${reserved++}|>`);
  }
  return specials;
}

const QWEN_SPECIALS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<|object_ref_start|>',
  '<|object_ref_end|>',
  '<|box_start|>',
  '<|box_end|>',
  '<|quad_start|>',
  '<|quad_end|>',
  '<|vision_start|>',
  '<|vision_end|>',
  '<|vision_pad|>',
  '<|image_pad|>',
  '<|video_pad|>',
  '<tool_call>',
  '</tool_call>',
  '<|fim_prefix|>',
  '<|fim_middle|>',
  '<|fim_suffix|>',
  '<|fim_pad|>',
  '<|repo_name|>',
  '<|file_sep|>',
];

/**
 * A vocabulary with the real one's size and its special tokens at their real ids: the 256 byte tokens
 * first, in tiktoken's rank order (as in Llama 3's and Qwen2.5's files), then unused placeholders
 * where the real files hold their merged tokens (no merges: text still tokenizes byte by byte), then
 * the special tokens. Llama 3 (Alpha) has no <|eom_id|>: id 128008 is a reserved token there.
 */
export function buildSeedVocabulary(
  name: SeedVocabularyName,
  options: { bos: string; eos: string; padding?: string; addBos: boolean },
): TestVocabulary {
  const order = [...printableBytes()];
  for (let byte = 0; byte < 256; byte++) if (!order.includes(byte)) order.push(byte);
  const unicode = byteToUnicode();
  const specials =
    name === 'qwen-2.5'
      ? new Map(QWEN_SPECIALS.map((text, i) => [151_643 + i, text] as const))
      : llamaSpecials(name === 'llama-3' ? '3' : '3.1');
  // Qwen2.5's config pads its embedding to 152,064 rows; Llama 3's vocabulary is exactly 128,256.
  const size = name === 'qwen-2.5' ? 152_064 : 128_256;
  const tokens: string[] = [];
  const types: number[] = [];
  for (let id = 0; id < size; id++) {
    const special = specials.get(id);
    if (id < 256) {
      tokens.push(unicode[order[id]!]!);
      types.push(TokenType.Normal);
    } else if (special !== undefined) {
      tokens.push(special);
      // Qwen's <tool_call> tags are added tokens that are not special (tokenizer_config "special": false).
      types.push(special.includes('tool_call') ? TokenType.UserDefined : TokenType.Control);
    } else {
      tokens.push(`[UNUSED_${id}]`);
      types.push(TokenType.Unused);
    }
  }
  const idOf = (text: string) => {
    const id = tokens.indexOf(text);
    if (id < 0) throw new Error(`${name}: no token ${text}`);
    return id;
  };
  const byteIds = Array.from({ length: 256 }, () => 0);
  for (const [id, byte] of order.entries()) byteIds[byte] = id;
  return {
    tokens,
    types,
    bosId: idOf(options.bos),
    eosId: idOf(options.eos),
    paddingId: options.padding === undefined ? undefined : idOf(options.padding),
    addBos: options.addBos,
    pre: name === 'qwen-2.5' ? 'qwen2' : 'llama-bpe',
    byteIds,
  };
}

/** The token ids of a text spelled byte by byte, with special tokens given as `{ special: '<|x|>' }`. */
export function chainTokens(
  vocabulary: TestVocabulary,
  parts: ReadonlyArray<string | { special: string }>,
): number[] {
  return parts.flatMap((part) => {
    if (typeof part !== 'string') {
      const id = vocabulary.tokens.indexOf(part.special);
      if (id < 0) throw new Error(`no special token ${part.special}`);
      return [id];
    }
    return [...Buffer.from(part, 'utf8')].map((byte) => vocabulary.byteIds[byte]!);
  });
}

const FILE_TYPE: Record<GgmlType, number> = { [GgmlType.F32]: 0, [GgmlType.F16]: 1, [GgmlType.Q8_0]: 7 };
/** How strongly a chain token predicts the next: logit 8 × 4 = 32 over 0 for every other token. */
const CHAIN_STRENGTH = 4;

/** GGUF metadata and tensors of a test model. Pure: values come from the seed. */
export function buildTestModel(spec: TestModelSpec): {
  metadata: Record<string, GgufValue>;
  tensors: GgufTensor[];
} {
  const { shape, vocabulary } = spec;
  const arch = spec.architecture;
  const vocabSize = vocabulary.tokens.length;
  const headDim = shape.embeddingLength / shape.headCount;
  const kvWidth = headDim * shape.headCountKv;
  const random = createSeededRandom(spec.seed);
  const width = shape.embeddingLength;
  const chain = spec.chain ?? [];
  if (chain.length > width) throw new RangeError(`a chain of ${chain.length} tokens needs width ≥ that`);
  if (new Set(chain.slice(0, -1)).size !== Math.max(0, chain.length - 1))
    throw new RangeError('a chain token can predict only one next token: no repeats before the last');

  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: arch },
    'general.name': { type: 'string', value: spec.name },
    'general.file_type': { type: 'u32', value: FILE_TYPE[spec.weightType] },
    [`${arch}.vocab_size`]: { type: 'u32', value: vocabSize },
    [`${arch}.context_length`]: { type: 'u32', value: spec.contextLength },
    [`${arch}.embedding_length`]: { type: 'u32', value: width },
    [`${arch}.block_count`]: { type: 'u32', value: shape.blockCount },
    [`${arch}.feed_forward_length`]: { type: 'u32', value: shape.feedForwardLength },
    [`${arch}.attention.head_count`]: { type: 'u32', value: shape.headCount },
    [`${arch}.attention.head_count_kv`]: { type: 'u32', value: shape.headCountKv },
    [`${arch}.rope.dimension_count`]: { type: 'u32', value: headDim },
    [`${arch}.rope.freq_base`]: { type: 'f32', value: spec.ropeFreqBase },
    [`${arch}.attention.layer_norm_rms_epsilon`]: { type: 'f32', value: arch === 'qwen2' ? 1e-6 : 1e-5 },
    'tokenizer.ggml.model': { type: 'string', value: 'gpt2' },
    'tokenizer.ggml.pre': { type: 'string', value: vocabulary.pre },
    'tokenizer.ggml.tokens': { type: 'array', itemType: 'string', values: vocabulary.tokens },
    'tokenizer.ggml.token_type': { type: 'array', itemType: 'i32', values: vocabulary.types },
    'tokenizer.ggml.merges': { type: 'array', itemType: 'string', values: [] },
    'tokenizer.ggml.bos_token_id': { type: 'u32', value: vocabulary.bosId },
    'tokenizer.ggml.eos_token_id': { type: 'u32', value: vocabulary.eosId },
    ...(vocabulary.paddingId === undefined
      ? {}
      : { 'tokenizer.ggml.padding_token_id': { type: 'u32', value: vocabulary.paddingId } as const }),
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: vocabulary.addBos },
    'tokenizer.chat_template': { type: 'string', value: spec.chatTemplate },
    // Our own keys: anything that reads the file can tell it is not a real model.
    'aloe.test_model': { type: 'bool', value: true },
    'aloe.test_model.seed': { type: 'u32', value: spec.seed },
  };

  const weights = (scale: number) => (out: Float32Array) => {
    for (let i = 0; i < out.length; i++) out[i] = (random() * 2 - 1) * scale;
  };
  const zeros = (out: Float32Array) => out.fill(0);
  const ones = (out: Float32Array) => out.fill(1);
  const matrix = (
    name: string,
    columns: number,
    rows: number,
    fill: (out: Float32Array) => void,
  ): GgufTensor => ({ name, dims: [columns, rows], type: spec.weightType, fill });
  const vector = (name: string, length: number, fill: (out: Float32Array) => void): GgufTensor => ({
    name,
    dims: [length],
    type: GgmlType.F32,
    fill,
  });

  const scale = 1 / Math.sqrt(width);
  const biased = chain.length > 0;
  // A chained model's blocks write nothing to the residual stream: its output depends on the current
  // token alone, so it emits the chain whatever the prompt before the chain's first token.
  const out = (fillScale: number) => (biased ? zeros : weights(fillScale));
  // Rows of unused placeholder tokens stay zero (most of a real-sized vocabulary): no prompt holds them.
  const embedding = (values: Float32Array) => {
    for (let token = 0; token < vocabSize; token++) {
      if (vocabulary.types[token] === TokenType.Unused) continue;
      for (let i = token * width; i < (token + 1) * width; i++) values[i] = (random() * 2 - 1) * 1;
    }
    for (const [position, token] of chain.slice(0, -1).entries()) {
      values.fill(0, token * width, (token + 1) * width);
      values[token * width + position] = 1;
    }
  };
  const tensors: GgufTensor[] = [matrix('token_embd.weight', width, vocabSize, embedding)];
  for (let block = 0; block < shape.blockCount; block++) {
    tensors.push(
      vector(`blk.${block}.attn_norm.weight`, width, ones),
      matrix(`blk.${block}.attn_q.weight`, width, width, weights(scale)),
      matrix(`blk.${block}.attn_k.weight`, width, kvWidth, weights(scale)),
      matrix(`blk.${block}.attn_v.weight`, width, kvWidth, weights(scale)),
    );
    if (arch === 'qwen2') {
      // Qwen2 has biases on q, k and v.
      tensors.push(
        vector(`blk.${block}.attn_q.bias`, width, weights(0.01)),
        vector(`blk.${block}.attn_k.bias`, kvWidth, weights(0.01)),
        vector(`blk.${block}.attn_v.bias`, kvWidth, weights(0.01)),
      );
    }
    tensors.push(
      matrix(`blk.${block}.attn_output.weight`, width, width, out(scale)),
      vector(`blk.${block}.ffn_norm.weight`, width, ones),
      matrix(`blk.${block}.ffn_gate.weight`, width, shape.feedForwardLength, weights(scale)),
      matrix(`blk.${block}.ffn_up.weight`, width, shape.feedForwardLength, weights(scale)),
      matrix(
        `blk.${block}.ffn_down.weight`,
        shape.feedForwardLength,
        width,
        out(1 / Math.sqrt(shape.feedForwardLength)),
      ),
    );
  }
  tensors.push(vector('output_norm.weight', width, ones));
  if (biased) {
    // Untied output layer: token chain[i + 1] is scored from direction i, which only chain[i] has.
    tensors.push(
      matrix('output.weight', width, vocabSize, (values) => {
        for (let position = 0; position + 1 < chain.length; position++) {
          values[chain[position + 1]! * width + position] = CHAIN_STRENGTH;
        }
      }),
    );
  }
  return { metadata, tensors };
}
