import { describe, expect, it } from '@jest/globals';
import type { McqItem } from '../datasets/dataset.js';
import { createBm25Ranker, tokenizeStem } from './bm25-ranker.js';

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

const store = exampleStore([
  'Which organ pumps blood around the body?',
  'Which chamber of the heart pumps blood into the aorta?',
  'Which organ produces bile for digesting fats?',
  'Which hormone lowers blood glucose?',
  'Which bone protects the brain?',
  'How many chambers does the heart have?',
]);

describe('createBm25Ranker', () => {
  it('returns the k most similar stems with the most similar last', async () => {
    const ranker = createBm25Ranker(store);
    // Shares chamber, heart, pumps and blood with example 1; pumps and blood with example 0.
    const nearest = await ranker.nearest('Which chamber of the heart pumps blood to the lungs?', 2);
    expect(idsOf(nearest)).toEqual(['example-0', 'example-1']);
    expect(ranker).toMatchObject({ method: 'lexical-bm25', storeItems: 6 });
  });

  it('weighs rare words above common ones, and a short stem above a long one with the same match', async () => {
    const rareWins = createBm25Ranker(
      exampleStore(['Raised liver enzymes?', 'Low blood pressure?', 'High blood sugar?', 'Blood count?']),
    );
    expect(idsOf(await rareWins.nearest('Blood tests of the liver', 1))).toEqual(['example-0']);
    const shortWins = createBm25Ranker(
      exampleStore([
        'Which vitamin deficiency gave sailors scurvy on long voyages without fruit?',
        'Scurvy causes?',
      ]),
    );
    expect(idsOf(await shortWins.nearest('Tell me about scurvy', 2))).toEqual(['example-0', 'example-1']);
  });

  it('ranks by the question stem only, never by the options', async () => {
    const withTellingOptions = store.map((item, index) =>
      index === 4 ? { ...item, options: [{ key: 'A', text: 'bile bile bile' }, ...item.options] } : item,
    );
    const nearest = await createBm25Ranker(withTellingOptions).nearest('What does bile help to digest?', 1);
    expect(idsOf(nearest)).toEqual(['example-2']);
  });

  it('never returns an example whose question is the query, whatever its case, spacing or punctuation', async () => {
    const nearest = await createBm25Ranker(store).nearest('  which HORMONE lowers blood-glucose ', 6);
    expect(idsOf(nearest)).not.toContain('example-3');
    expect(nearest).toHaveLength(5);
  });

  it('breaks ties by store order, so equal questions give the same answer on every run', async () => {
    const twins = exampleStore([
      'Which bone protects the brain?',
      'Which bone protects the brain?',
      'Unrelated',
    ]);
    const ranker = createBm25Ranker(twins);
    expect(idsOf(await ranker.nearest('Name the bone protecting the brain', 1))).toEqual(['example-0']);
    expect(idsOf(await ranker.nearest('Name the bone protecting the brain', 2))).toEqual([
      'example-1',
      'example-0',
    ]);
  });

  it('fills k from the rest of the store in store order when fewer stems share a word', async () => {
    const nearest = await createBm25Ranker(store).nearest('Which bone protects the spine?', 3);
    expect(idsOf(nearest)).toEqual(['example-1', 'example-0', 'example-4']);
  });

  it('answers an empty list for k = 0 or an empty store, and refuses a negative k', async () => {
    expect(await createBm25Ranker(store).nearest('heart', 0)).toEqual([]);
    expect(await createBm25Ranker([]).nearest('heart', 5)).toEqual([]);
    await expect(createBm25Ranker(store).nearest('heart', -1)).rejects.toThrow(RangeError);
  });
});

describe('tokenizeStem', () => {
  it('lower-cases words and drops stopwords and exam boilerplate', () => {
    expect(
      tokenizeStem('Which of the following is the MOST likely cause of anaemia in a 45-year-old?'),
    ).toEqual(['cause', 'anaemia', '45', 'year', 'old']);
  });
});
