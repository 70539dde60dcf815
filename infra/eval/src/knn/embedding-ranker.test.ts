import { describe, expect, it } from '@jest/globals';
import type { McqItem } from '../datasets/dataset.js';
import { createEmbeddingRanker, type EmbedTexts } from './embedding-ranker.js';

// Hand-made vectors: the cosine order for each query can be read off directly.
const VECTORS: Record<string, number[]> = {
  'Which organ pumps blood?': [1, 0, 0],
  'Which heart chamber pumps blood?': [0.9, 0.1, 0],
  'Which organ makes bile?': [0, 1, 0],
  'Which hormone lowers glucose?': [0, 0.8, 0.6],
  'Which bone protects the brain?': [0, 0, 1],
  'Which organ is least like a pump?': [-1, 0, 0],
  'What pumps the blood round?': [1, 0, 0],
  'What pumps blood, twice as loud?': [2, 0, 0],
};

function exampleStore(questions: readonly string[]): McqItem[] {
  return questions.map((question, index) => ({
    id: `example-${index}`,
    question,
    options: [
      { key: 'A', text: 'yes' },
      { key: 'B', text: 'no' },
    ],
    answer: 'A',
  }));
}
const idsOf = (items: readonly McqItem[]) => items.map((item) => item.id);
const store = exampleStore(Object.keys(VECTORS).slice(0, 6));

/** A deterministic embedder over the table above that records every call. */
function tableEmbedder(): { embed: EmbedTexts; calls: string[][] } {
  const calls: string[][] = [];
  const embed: EmbedTexts = async (texts) => {
    calls.push(texts);
    return texts.map((text) => {
      const vector = VECTORS[text.trim()];
      if (!vector) throw new Error(`no vector for "${text}"`);
      return Float32Array.from(vector);
    });
  };
  return { embed, calls };
}

describe('createEmbeddingRanker', () => {
  it('returns the k nearest by cosine with the most similar last', async () => {
    const ranker = createEmbeddingRanker(store, tableEmbedder().embed, 'sentence-encoder');
    expect(idsOf(await ranker.nearest('What pumps the blood round?', 2))).toEqual(['example-1', 'example-0']);
    expect(ranker).toMatchObject({ method: 'sentence-encoder', storeItems: 6 });
  });

  it('compares directions, not lengths', async () => {
    const ranker = createEmbeddingRanker(store, tableEmbedder().embed, 'served-model-embeddings');
    expect(idsOf(await ranker.nearest('What pumps blood, twice as loud?', 2))).toEqual([
      'example-1',
      'example-0',
    ]);
  });

  it('never returns an example whose normalised question equals the query', async () => {
    const ranker = createEmbeddingRanker(store, tableEmbedder().embed, 'sentence-encoder');
    const nearest = await ranker.nearest('Which hormone lowers glucose? ', 6);
    expect(idsOf(nearest)).toHaveLength(5);
    expect(idsOf(nearest)).not.toContain('example-3');
    expect(idsOf(nearest).at(-1)).toBe('example-2');
  });

  it('embeds the store once, lazily, in batches, even for concurrent first questions', async () => {
    const { embed, calls } = tableEmbedder();
    const ranker = createEmbeddingRanker(store, embed, 'sentence-encoder', { batchSize: 4 });
    expect(calls).toEqual([]);
    await Promise.all([
      ranker.nearest('What pumps the blood round?', 1),
      ranker.nearest('What pumps the blood round?', 1),
    ]);
    await ranker.nearest('What pumps blood, twice as loud?', 1);
    // Two store batches, then one call per question.
    expect(calls.map((texts) => texts.length)).toEqual([4, 2, 1, 1, 1]);
    expect(calls.slice(0, 2).flat()).toEqual(store.map((example) => example.question));
  });

  it('tries the store again after a failed embedding instead of keeping the failure', async () => {
    const { embed } = tableEmbedder();
    let failuresLeft = 1;
    const flaky: EmbedTexts = async (texts) => {
      if (failuresLeft-- > 0) throw new Error('embedder unavailable');
      return embed(texts);
    };
    const ranker = createEmbeddingRanker(store, flaky, 'served-model-embeddings');
    await expect(ranker.nearest('What pumps the blood round?', 1)).rejects.toThrow('embedder unavailable');
    expect(idsOf(await ranker.nearest('What pumps the blood round?', 1))).toEqual(['example-0']);
  });

  it('refuses an embedder that returns the wrong number or size of vectors', async () => {
    const short: EmbedTexts = async (texts) => texts.slice(1).map(() => new Float32Array(3));
    await expect(createEmbeddingRanker(store, short, 'sentence-encoder').nearest('x', 1)).rejects.toThrow(
      /5 vectors for 6 texts/,
    );
    const { embed } = tableEmbedder();
    const ragged: EmbedTexts = async (texts) => (texts.length === 1 ? [new Float32Array(2)] : embed(texts));
    await expect(
      createEmbeddingRanker(store, ragged, 'sentence-encoder').nearest('What pumps the blood round?', 1),
    ).rejects.toThrow(/2 dimensions, expected 3/);
  });
});
