import type { McqItem } from '../datasets/dataset.js';
import {
  type ExampleRanker,
  normalizeQuestion,
  pickNearest,
  type RetrievalMethod,
} from './example-ranker.js';

/** Embeds texts, one vector per text, in order. */
export type EmbedTexts = (texts: string[]) => Promise<Float32Array[]>;

export interface EmbeddingRankerOptions {
  /** Texts per `embed` call while embedding the store (prompt_engine upserts in batches of 256). */
  batchSize?: number;
}

/** The vector scaled to length 1 (all zeros stays zeros), so a dot product is the cosine. */
function unitVector(vector: Float32Array): Float64Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const length = Math.sqrt(squares);
  const unit = new Float64Array(vector.length);
  if (length > 0) for (let index = 0; index < vector.length; index++) unit[index] = vector[index]! / length;
  return unit;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

async function embedChecked(
  embed: EmbedTexts,
  texts: string[],
  dimensions?: number,
): Promise<Float64Array[]> {
  const vectors = await embed(texts);
  if (vectors.length !== texts.length) {
    throw new Error(`The embedder returned ${vectors.length} vectors for ${texts.length} texts`);
  }
  const expected = dimensions ?? vectors[0]?.length;
  for (const vector of vectors) {
    if (vector.length !== expected || vector.length === 0) {
      throw new Error(`The embedder returned vectors of ${vector.length} dimensions, expected ${expected}`);
    }
  }
  return vectors.map(unitVector);
}

/**
 * Dense kNN over the question stems by cosine similarity. The store is embedded once, lazily on the first
 * question, in batches; a failed attempt is forgotten so the next question tries again.
 */
export function createEmbeddingRanker(
  examples: readonly McqItem[],
  embed: EmbedTexts,
  method: Exclude<RetrievalMethod, 'lexical-bm25'>,
  options: EmbeddingRankerOptions = {},
): ExampleRanker {
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError('batchSize must be a whole number ≥ 1');
  const normalizedQuestions = examples.map((example) => normalizeQuestion(example.question));
  let storeVectors: Promise<Float64Array[]> | undefined;

  async function embedStore(): Promise<Float64Array[]> {
    const vectors: Float64Array[] = [];
    for (let start = 0; start < examples.length; start += batchSize) {
      const batch = examples.slice(start, start + batchSize).map((example) => example.question);
      vectors.push(...(await embedChecked(embed, batch, vectors[0]?.length)));
    }
    return vectors;
  }

  function store(): Promise<Float64Array[]> {
    storeVectors ??= embedStore().catch((error: unknown) => {
      storeVectors = undefined;
      throw error;
    });
    return storeVectors;
  }

  return {
    method,
    storeItems: examples.length,
    async nearest(question, k) {
      const vectors = await store();
      if (vectors.length === 0) return pickNearest(examples, normalizedQuestions, [], question, k);
      const [query] = await embedChecked(embed, [question], vectors[0]!.length);
      const scores = vectors.map((vector) => dot(vector, query!));
      return pickNearest(examples, normalizedQuestions, scores, question, k);
    },
  };
}
