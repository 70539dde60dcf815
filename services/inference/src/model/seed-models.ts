// The five systems of the Aloe seed paper (docs/research-notes.md#the-five-models) and what their model cards
// and configs say about serving them. The service recognises a loaded file as one of them by its label or
// GGUF name and applies these defaults; anything else is served as its file says.

export type SeedModelKey =
  | 'llama3-aloe-8b-alpha'
  | 'llama3.1-aloe-beta-8b'
  | 'llama3.1-aloe-beta-70b'
  | 'qwen2.5-aloe-beta-7b'
  | 'qwen2.5-aloe-beta-72b';

export interface SeedModel {
  key: SeedModelKey;
  /** The model's name on Hugging Face (HPAI-BSC/<name>). */
  name: string;
  /** The published template it ships (published-templates.ts). */
  template: 'llama-3-instruct' | 'llama-3.1-instruct' | 'qwen2.5-instruct';
  /** The tokens that must end a turn, whatever the file's eos says. */
  stops: readonly string[];
  licence: { id: string; url: string; nonCommercial: boolean };
  context: {
    /** max_position_embeddings in the model's config.json. */
    configTokens: number;
    /** What we serve at most: the length the model was fine-tuned on. */
    advisedTokens: number;
    reason: string;
  };
  /** Sampling the model card recommends (applied when a request leaves a value unset). */
  sampling: { temperature: number; topP: number; source: string };
}

const LLAMA3_STOPS = ['<|eot_id|>', '<|eom_id|>', '<|end_of_text|>'] as const;
const CHATML_STOPS = ['<|im_end|>', '<|endoftext|>'] as const;
const CARD_SAMPLING = {
  temperature: 0.6,
  topP: 0.9,
  source:
    'model card usage snippet (do_sample, temperature=0.6, top_p=0.9) and prompt_engine open-QA configs (docs/research-notes.md#sampling-and-context-length)',
};
const BETA_CONTEXT = {
  advisedTokens: 16_384,
  reason:
    'supervised fine-tuning used 16K-token sequences; the config allows 131K, untested by the authors (docs/research-notes.md#sampling-and-context-length)',
};

export const SEED_MODELS: Readonly<Record<SeedModelKey, SeedModel>> = {
  'llama3-aloe-8b-alpha': {
    key: 'llama3-aloe-8b-alpha',
    name: 'Llama3-Aloe-8B-Alpha',
    template: 'llama-3-instruct',
    // Llama 3 (not 3.1) has no <|eom_id|>; its config names only <|end_of_text|> as eos.
    stops: ['<|eot_id|>', '<|end_of_text|>'],
    licence: {
      id: 'CC-BY-NC-4.0 (and the Meta Llama 3 Community License)',
      url: 'https://creativecommons.org/licenses/by-nc/4.0/',
      nonCommercial: true,
    },
    context: {
      configTokens: 8_192,
      advisedTokens: 8_192,
      reason: 'Llama 3 was trained with 8,192 positions and no RoPE scaling (config.json)',
    },
    sampling: CARD_SAMPLING,
  },
  'llama3.1-aloe-beta-8b': {
    key: 'llama3.1-aloe-beta-8b',
    name: 'Llama3.1-Aloe-Beta-8B',
    template: 'llama-3.1-instruct',
    stops: LLAMA3_STOPS,
    licence: {
      id: 'Llama 3.1 Community License',
      url: 'https://www.llama.com/llama3_1/license/',
      nonCommercial: false,
    },
    context: { configTokens: 131_072, ...BETA_CONTEXT },
    sampling: CARD_SAMPLING,
  },
  'llama3.1-aloe-beta-70b': {
    key: 'llama3.1-aloe-beta-70b',
    name: 'Llama3.1-Aloe-Beta-70B',
    template: 'llama-3.1-instruct',
    stops: LLAMA3_STOPS,
    licence: {
      id: 'Llama 3.1 Community License',
      url: 'https://www.llama.com/llama3_1/license/',
      nonCommercial: false,
    },
    context: { configTokens: 131_072, ...BETA_CONTEXT },
    sampling: CARD_SAMPLING,
  },
  'qwen2.5-aloe-beta-7b': {
    key: 'qwen2.5-aloe-beta-7b',
    name: 'Qwen2.5-Aloe-Beta-7B',
    template: 'qwen2.5-instruct',
    stops: CHATML_STOPS,
    licence: {
      id: 'Apache-2.0',
      url: 'https://www.apache.org/licenses/LICENSE-2.0',
      nonCommercial: false,
    },
    context: { configTokens: 131_072, ...BETA_CONTEXT },
    sampling: CARD_SAMPLING,
  },
  'qwen2.5-aloe-beta-72b': {
    key: 'qwen2.5-aloe-beta-72b',
    name: 'Qwen2.5-Aloe-Beta-72B',
    template: 'qwen2.5-instruct',
    stops: CHATML_STOPS,
    licence: {
      // The card shows no licence; its base, Qwen2.5-72B, is under the Qwen licence
      // (docs/research-notes.md#the-five-models).
      id: 'Qwen License (base model; the Aloe card shows none: verify before use)',
      url: 'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE',
      nonCommercial: false,
    },
    context: { configTokens: 131_072, ...BETA_CONTEXT },
    sampling: CARD_SAMPLING,
  },
};

/** `Llama3.1 Aloe Beta 8B` and `llama3.1-aloe-beta-8b.Q4_K_M` both → `llama31aloebeta8b…`. */
const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The seed system a model is, from the first of its names that says (a configured label, the GGUF's
 * general.name, its file name); undefined when none does. `70B` never matches the 8B (nor 72B the 7B):
 * the squashed key must appear whole and not be followed by another digit.
 */
export function findSeedModel(names: ReadonlyArray<string | undefined>): SeedModel | undefined {
  for (const name of names) {
    if (!name) continue;
    const squashed = squash(name);
    const found = Object.values(SEED_MODELS).find((model) => {
      const key = squash(model.name);
      const at = squashed.indexOf(key);
      return at >= 0 && !/[0-9]/.test(squashed.charAt(at + key.length));
    });
    if (found) return found;
  }
  return undefined;
}
