import { describe, expect, it } from '@jest/globals';
import { findSeedModel, SEED_MODELS } from './seed-models.js';

describe('findSeedModel', () => {
  it.each([
    ['Llama3-Aloe-8B-Alpha', 'llama3-aloe-8b-alpha'],
    ['Llama3 Aloe 8B Alpha', 'llama3-aloe-8b-alpha'],
    ['Llama3.1-Aloe-Beta-8B.Q4_K_M.gguf', 'llama3.1-aloe-beta-8b'],
    ['Llama3.1 Aloe Beta 70B', 'llama3.1-aloe-beta-70b'],
    ['qwen2.5-aloe-beta-7b-q8_0.gguf', 'qwen2.5-aloe-beta-7b'],
    ['Qwen2.5-Aloe-Beta-72B.Q4_K_S-00001-of-00002.gguf', 'qwen2.5-aloe-beta-72b'],
  ])('recognises %s', (name, key) => {
    expect(findSeedModel([undefined, name])?.key).toBe(key);
  });

  it('never takes the 70B for the 8B nor the 72B for the 7B, and ignores other models', () => {
    expect(findSeedModel(['Llama3.1-Aloe-Beta-70B'])?.key).toBe('llama3.1-aloe-beta-70b');
    expect(findSeedModel(['Qwen2.5-Aloe-Beta-72B'])?.key).toBe('qwen2.5-aloe-beta-72b');
    expect(findSeedModel(['Meta-Llama-3.1-8B-Instruct', 'aloe-test-tiny-llama3'])).toBeUndefined();
  });

  it('uses the first name that says (the configured label before the GGUF name)', () => {
    expect(findSeedModel(['Qwen2.5-Aloe-Beta-7B', 'Llama3.1 Aloe Beta 8B'])?.key).toBe(
      'qwen2.5-aloe-beta-7b',
    );
  });
});

describe('the seed systems as their cards describe them', () => {
  it('advise 16K context for Beta (config 131K) and 8K for Alpha; 0.6 / 0.9 sampling', () => {
    for (const model of Object.values(SEED_MODELS)) {
      expect(model.sampling).toMatchObject({ temperature: 0.6, topP: 0.9 });
      expect(model.context.advisedTokens).toBe(model.key === 'llama3-aloe-8b-alpha' ? 8_192 : 16_384);
    }
    expect(SEED_MODELS['llama3.1-aloe-beta-8b'].context.configTokens).toBe(131_072);
  });

  it('mark only Alpha non-commercial', () => {
    expect(
      Object.values(SEED_MODELS)
        .filter((model) => model.licence.nonCommercial)
        .map((model) => model.key),
    ).toEqual(['llama3-aloe-8b-alpha']);
  });
});
