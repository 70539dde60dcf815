import type { McqItem } from '../datasets/dataset.js';
import { type ExampleRanker, normalizeQuestion, pickNearest } from './example-ranker.js';

// Okapi BM25's usual constants (Robertson & Zaragoza 2009, "The Probabilistic Relevance Framework").
const K1 = 1.2;
const B = 0.75;

// Function words, plus the stock phrasing of exam stems ("which of the following is most likely…"),
// which would otherwise make every question look alike.
const STOPWORDS = new Set(
  (
    'a an and are as at be been being by can could did do does for from had has have he her his how i if in ' +
    'into is it its of on or she so than that the their them then there these they this those to was were ' +
    'what when where which who whom why will with would you your following most likely best true correct'
  ).split(' '),
);

/** Lower-cased word tokens without stopwords. */
export function tokenizeStem(text: string): string[] {
  return normalizeQuestion(text)
    .split(' ')
    .filter((token) => token.length > 0 && !STOPWORDS.has(token));
}

interface Posting {
  example: number;
  termFrequency: number;
}

/** Lexical kNN over the question stems: Okapi BM25 (k1 = 1.2, b = 0.75), Lucene's non-negative IDF. */
export function createBm25Ranker(examples: readonly McqItem[]): ExampleRanker {
  const normalizedQuestions = examples.map((example) => normalizeQuestion(example.question));
  const lengths = new Float64Array(examples.length);
  const postings = new Map<string, Posting[]>();
  examples.forEach((example, index) => {
    const tokens = tokenizeStem(example.question);
    lengths[index] = tokens.length;
    const counts = new Map<string, number>();
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    for (const [term, termFrequency] of counts) {
      const list = postings.get(term) ?? [];
      list.push({ example: index, termFrequency });
      postings.set(term, list);
    }
  });
  const averageLength =
    examples.length === 0 ? 0 : lengths.reduce((sum, length) => sum + length, 0) / examples.length;

  function score(question: string): Float64Array {
    const scores = new Float64Array(examples.length);
    for (const term of new Set(tokenizeStem(question))) {
      const list = postings.get(term);
      if (!list) continue;
      const idf = Math.log(1 + (examples.length - list.length + 0.5) / (list.length + 0.5));
      for (const { example, termFrequency } of list) {
        const norm = K1 * (1 - B + (B * lengths[example]!) / (averageLength || 1));
        scores[example] = scores[example]! + (idf * termFrequency * (K1 + 1)) / (termFrequency + norm);
      }
    }
    return scores;
  }

  return {
    method: 'lexical-bm25',
    storeItems: examples.length,
    async nearest(question, k) {
      return pickNearest(examples, normalizedQuestions, score(question), question, k);
    },
  };
}
