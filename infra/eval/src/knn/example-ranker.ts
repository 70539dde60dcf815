import type { McqItem } from '../datasets/dataset.js';

/** How few-shot examples are chosen (the report's `retrieval.method`). */
export type RetrievalMethod = 'served-model-embeddings' | 'sentence-encoder' | 'lexical-bm25';

/**
 * Picks the few-shot examples for a question from a store, by the question stem only (no options, no
 * abstract), as prompt_engine's Medprompt does (research/aloe.md §3.1, steps 2 and 4).
 */
export interface ExampleRanker {
  method: RetrievalMethod;
  /** Examples in the store. */
  storeItems: number;
  /**
   * Up to `k` examples, the most similar LAST (closest to the new question in the prompt). Never one whose
   * normalised question equals the query, so a test item that also sits in the store cannot answer itself.
   */
  nearest(question: string, k: number): Promise<McqItem[]>;
}

/** Case, Unicode form, punctuation and spacing removed: what the leakage guard compares. */
export function normalizeQuestion(question: string): string {
  return question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The `k` best-scoring examples, most similar last. Ties go to the example earlier in the store, so the
 * choice never depends on sort stability or run; examples with the query's own question are skipped.
 */
export function pickNearest(
  examples: readonly McqItem[],
  normalizedQuestions: readonly string[],
  scores: ArrayLike<number>,
  query: string,
  k: number,
): McqItem[] {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a whole number ≥ 0, got ${k}`);
  const excluded = normalizeQuestion(query);
  // Best first; a k-long insertion list beats sorting the whole store for each question.
  const best: number[] = [];
  const scoreOf = (index: number) =>
    Number.isNaN(scores[index]!) ? Number.NEGATIVE_INFINITY : scores[index]!;
  for (let index = 0; index < examples.length && k > 0; index++) {
    if (normalizedQuestions[index] === excluded) continue;
    const score = scoreOf(index);
    if (best.length === k && score <= scoreOf(best[k - 1]!)) continue;
    let position = best.length;
    while (position > 0 && score > scoreOf(best[position - 1]!)) position--;
    best.splice(position, 0, index);
    if (best.length > k) best.pop();
  }
  return best.reverse().map((index) => examples[index]!);
}
