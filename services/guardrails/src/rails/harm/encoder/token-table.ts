import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A static token table distilled from the sentence encoder (the Model2Vec idea): row t is what the
 * encoder outputs for token t read alone (`[CLS] t [SEP]`). The mean of a text's rows is a sentence
 * embedding for the price of one lookup per token (~0.05 ms a text against ~4 ms through the
 * transformer): what the learned rail's screen reads. It loses word order and context, so texts the
 * screen is unsure about still go through the encoder.
 */
export interface TokenTable {
  readonly vocabSize: number;
  readonly dimensions: number;
  /** SHA-256 of the table's bytes: which table a score came from, for the audit log. */
  readonly digest: string;
  /** The mean of the rows of `tokenIds`, L2-normalised (zeros for no tokens). */
  embed(tokenIds: readonly number[]): Float32Array;
}

/** Runs the encoder on equal-length token id sequences; returns last_hidden_state, [batch, length, dims]. */
export type RunEncoder = (batch: readonly number[][]) => Promise<Float32Array>;

const CLS = 101;
const SEP = 102;
/** Fixed batches in vocabulary order: the int8 model's activations are quantised per batch, so the same
 * batching gives the same table on every run (~5 s on two cores; one token per run takes ~25 s). */
const DISTIL_BATCH = 64;
/** In the saved file's name: a table distilled another way must not be read as this one. */
const DISTIL_METHOD = 'b64';

export async function distilTokenTable(
  run: RunEncoder,
  vocabSize: number,
  dimensions: number,
): Promise<Float32Array> {
  const rows = new Float32Array(vocabSize * dimensions);
  for (let start = 0; start < vocabSize; start += DISTIL_BATCH) {
    const batch = Array.from({ length: Math.min(DISTIL_BATCH, vocabSize - start) }, (_, i) => [
      CLS,
      start + i,
      SEP,
    ]);
    const hidden = await run(batch);
    // Position 1 of each sequence is the token itself.
    for (let i = 0; i < batch.length; i++)
      rows.set(hidden.subarray((i * 3 + 1) * dimensions, (i * 3 + 2) * dimensions), (start + i) * dimensions);
  }
  return rows;
}

export function tokenTable(rows: Float32Array, vocabSize: number, dimensions: number): TokenTable {
  if (rows.length !== vocabSize * dimensions)
    throw new Error(
      `a token table of ${vocabSize} × ${dimensions} needs ${vocabSize * dimensions} values, not ${rows.length}`,
    );
  const digest = createHash('sha256')
    .update(Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength))
    .digest('hex');
  return {
    vocabSize,
    dimensions,
    digest,
    embed(tokenIds) {
      const vector = new Float32Array(dimensions);
      for (const id of tokenIds) {
        if (id === CLS || id === SEP || id < 0 || id >= vocabSize) continue;
        const row = id * dimensions;
        for (let d = 0; d < dimensions; d++) vector[d]! += rows[row + d]!;
      }
      let norm = 0;
      for (let d = 0; d < dimensions; d++) norm += vector[d]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dimensions; d++) vector[d]! /= norm;
      return vector;
    },
  };
}

/**
 * The table for the encoder with digest `encoderDigest`: read from `modelDir` when a previous start
 * distilled it, else distilled now and saved there (write-then-rename, so processes starting together
 * never read half a file). A read-only model folder only costs the distillation at every start.
 */
export async function loadOrDistilTokenTable(
  modelDir: string,
  encoderDigest: string,
  vocabSize: number,
  dimensions: number,
  run: RunEncoder,
): Promise<TokenTable> {
  const file = join(modelDir, `token-table-${encoderDigest.slice(0, 16)}-${DISTIL_METHOD}.f32`);
  const saved = await readFile(file).catch(() => undefined);
  if (saved && saved.byteLength === vocabSize * dimensions * 4)
    return tokenTable(
      new Float32Array(saved.buffer.slice(saved.byteOffset, saved.byteOffset + saved.byteLength)),
      vocabSize,
      dimensions,
    );
  const rows = await distilTokenTable(run, vocabSize, dimensions);
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength))
    .then(() => rename(partial, file))
    .catch(() => rm(partial, { force: true }));
  return tokenTable(rows, vocabSize, dimensions);
}
