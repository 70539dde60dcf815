import {
  LLAMA_3_1_INSTRUCT_TEMPLATE,
  LLAMA_3_INSTRUCT_TEMPLATE,
  QWEN_2_5_INSTRUCT_TEMPLATE,
} from '../model/published-templates.js';
import { SEED_MODELS, type SeedModelKey } from '../model/seed-models.js';
import type { GgmlType } from './gguf-writer.js';
import {
  buildSeedVocabulary,
  chainTokens,
  type SeedVocabularyName,
  TEST_MODEL_SHAPES,
  type TestModelSpec,
} from './test-model-spec.js';

/** What the tiny stand-in of one seed system copies from the real file. */
interface SeedTestModel {
  architecture: 'llama' | 'qwen2';
  vocabulary: SeedVocabularyName;
  bos: string;
  /** The file's eos (tokenizer.ggml.eos_token_id), quirks included. */
  eos: string;
  padding?: string;
  addBos: boolean;
  chatTemplate: string;
  contextLength: number;
  ropeFreqBase: number;
  /** 70B/72B files are large enough to come split; their stand-ins are split GGUFs too. */
  parts: number;
  /** The tokens of the model's turn: the end-of-turn, a header a runaway model would write next, end of text. */
  turn: { endOfTurn: string; nextHeader: string; endOfText: string };
}

const LLAMA_TURN = {
  endOfTurn: '<|eot_id|>',
  nextHeader: '<|start_header_id|>',
  endOfText: '<|end_of_text|>',
};
const QWEN_TURN = { endOfTurn: '<|im_end|>', nextHeader: '<|im_start|>', endOfText: '<|endoftext|>' };

const LLAMA_3_1 = {
  architecture: 'llama',
  vocabulary: 'llama-3.1',
  bos: '<|begin_of_text|>',
  // Beta's special_tokens_map.json: eos <|eot_id|>, pad <|finetune_right_pad_id|>
  // (docs/research-notes.md#the-five-models).
  eos: '<|eot_id|>',
  padding: '<|finetune_right_pad_id|>',
  addBos: true,
  chatTemplate: LLAMA_3_1_INSTRUCT_TEMPLATE,
  contextLength: 131_072,
  ropeFreqBase: 500_000,
  turn: LLAMA_TURN,
} as const;

const QWEN_2_5 = {
  architecture: 'qwen2',
  vocabulary: 'qwen-2.5',
  // Qwen2.5-Aloe-Beta's config.json: bos 151644 (<|im_start|>), eos 151645 (<|im_end|>); Qwen adds no BOS.
  bos: '<|im_start|>',
  eos: '<|im_end|>',
  padding: '<|endoftext|>',
  addBos: false,
  chatTemplate: QWEN_2_5_INSTRUCT_TEMPLATE,
  contextLength: 131_072,
  ropeFreqBase: 1_000_000,
  turn: QWEN_TURN,
} as const;

export const SEED_TEST_MODELS: Readonly<Record<SeedModelKey, SeedTestModel>> = {
  'llama3-aloe-8b-alpha': {
    architecture: 'llama',
    vocabulary: 'llama-3',
    bos: '<|begin_of_text|>',
    // The quirk: Alpha's config names only <|end_of_text|> as eos, though its turns end with <|eot_id|>.
    eos: '<|end_of_text|>',
    addBos: true,
    chatTemplate: LLAMA_3_INSTRUCT_TEMPLATE,
    contextLength: 8_192,
    ropeFreqBase: 500_000,
    parts: 1,
    turn: LLAMA_TURN,
  },
  'llama3.1-aloe-beta-8b': { ...LLAMA_3_1, parts: 1 },
  'llama3.1-aloe-beta-70b': { ...LLAMA_3_1, parts: 3 },
  'qwen2.5-aloe-beta-7b': { ...QWEN_2_5, parts: 1 },
  'qwen2.5-aloe-beta-72b': { ...QWEN_2_5, parts: 3 },
};

/** What every seed test model answers: "Aloe" (4 tokens), then its end-of-turn token. */
export const SEED_TEST_MODEL_REPLY = 'Aloe';

/**
 * The spec of a seed system's test model: its real template, vocabulary size, special-token ids and
 * eos, with tiny random weights, biased to answer `Aloe` and end the turn. Past the end-of-turn it
 * would go on as a runaway model does (a header, `USER`, then end of text), so a server that misses
 * the end-of-turn stop shows it.
 */
export function seedTestModelSpec(
  key: SeedModelKey,
  options: { seed: number; weightType: GgmlType },
): { spec: TestModelSpec; parts: number } {
  const model = SEED_TEST_MODELS[key];
  const vocabulary = buildSeedVocabulary(model.vocabulary, model);
  const chain = chainTokens(vocabulary, [
    // Both templates' generation prompts end with a newline: the chain starts there.
    `\n${SEED_TEST_MODEL_REPLY}`,
    { special: model.turn.endOfTurn },
    { special: model.turn.nextHeader },
    'USER',
    { special: model.turn.endOfText },
  ]);
  return {
    parts: model.parts,
    spec: {
      shape: TEST_MODEL_SHAPES.tiny,
      architecture: model.architecture,
      vocabulary,
      chatTemplate: model.chatTemplate,
      contextLength: model.contextLength,
      ropeFreqBase: model.ropeFreqBase,
      seed: options.seed,
      weightType: options.weightType,
      name: `${SEED_MODELS[key].name} (TEST MODEL: tiny random weights)`,
      chain,
    },
  };
}
