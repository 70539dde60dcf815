import { describe, expect, it } from '@jest/globals';
import { deriveStopTokens, onlyFromLlamaCpp, type StopFacts } from './stop-tokens.js';

const LLAMA_3 = new Map([
  [128_000, '<|begin_of_text|>'],
  [128_001, '<|end_of_text|>'],
  [128_008, '<|reserved_special_token_4|>'],
  [128_009, '<|eot_id|>'],
]);
const LLAMA_3_1 = new Map([...LLAMA_3, [128_008, '<|eom_id|>']]);

const facts = (vocabulary: Map<number, string>, overrides: Partial<StopFacts>): StopFacts => ({
  family: 'llama3',
  templateEndOfTurn: 128_009,
  metadata: {},
  controlTokenOf: (text) => [...vocabulary].find(([, token]) => token === text)?.[0],
  textOf: (id) => vocabulary.get(id) ?? `#${id}`,
  endOfGenerationIds: [],
  ...overrides,
});

describe('deriveStopTokens', () => {
  it('stops Llama3-Aloe-8B-Alpha at <|eot_id|> though its eos is only <|end_of_text|>', () => {
    const stops = deriveStopTokens(facts(LLAMA_3, { metadata: { eos: 128_001 } }));
    expect(stops).toEqual([
      { id: 128_001, text: '<|end_of_text|>', sources: ['family rule', 'gguf eos'] },
      { id: 128_009, text: '<|eot_id|>', sources: ['template end-of-turn', 'family rule'] },
    ]);
  });

  it('adds <|eom_id|> where the vocabulary has it (Llama 3.1)', () => {
    const stops = deriveStopTokens(facts(LLAMA_3_1, { metadata: { eos: 128_009 } }));
    expect(stops.map((stop) => stop.text)).toEqual(['<|end_of_text|>', '<|eom_id|>', '<|eot_id|>']);
    expect(stops.find((stop) => stop.id === 128_009)?.sources).toEqual([
      'template end-of-turn',
      'family rule',
      'gguf eos',
    ]);
  });

  it('stops ChatML at <|im_end|> and <|endoftext|>, and keeps llama.cpp’s extra ends, marked as such', () => {
    const qwen = new Map([
      [151_643, '<|endoftext|>'],
      [151_645, '<|im_end|>'],
      [151_662, '<|fim_pad|>'],
    ]);
    const stops = deriveStopTokens(
      facts(qwen, {
        family: 'chatml',
        templateEndOfTurn: 151_645,
        metadata: { eos: 151_645 },
        endOfGenerationIds: [151_643, 151_645, 151_662],
      }),
    );
    expect(stops.map((stop) => stop.id)).toEqual([151_643, 151_645, 151_662]);
    expect(onlyFromLlamaCpp(stops)).toEqual([
      { id: 151_662, text: '<|fim_pad|>', sources: ['llama.cpp end-of-generation'] },
    ]);
  });

  it('falls back to the metadata and llama.cpp for a template family it has no rules for', () => {
    const stops = deriveStopTokens(
      facts(new Map([[2, '</s>']]), {
        family: 'other',
        templateEndOfTurn: undefined,
        metadata: { eos: 2 },
        endOfGenerationIds: [2],
      }),
    );
    expect(stops).toEqual([{ id: 2, text: '</s>', sources: ['gguf eos', 'llama.cpp end-of-generation'] }]);
  });
});
