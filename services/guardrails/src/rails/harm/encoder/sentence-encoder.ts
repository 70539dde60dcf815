import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@aloe/shared/errors';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { truncateEncoderLayers } from './onnx-layers.js';
import { loadOrDistilTokenTable, type RunEncoder, type TokenTable } from './token-table.js';

/**
 * all-MiniLM-L6-v2 (int8 ONNX, fetched by infra/models/fetch-harm-model.sh) on onnxruntime's CPU
 * provider: texts → 384-dimensional, mean-pooled, L2-normalised sentence embeddings, as the
 * sentence-transformers model defines them. Runs in-process; a read is compute-bound, ~0.17 ms a token
 * on one core here for all six layers, so `layers` cuts it after its first layers (onnx-layers.ts) when
 * a head was trained on that earlier, cheaper output. `embedStatic` is the cheap approximation from the
 * token table distilled from the whole model.
 */
export interface SentenceEncoder {
  readonly dimensions: number;
  /** How many of the model's transformer layers `embed` runs. */
  readonly layers: number;
  /**
   * `all-minilm-l6-v2-q@sha256:<model.onnx digest>[ layers 1-N] tokens@sha256:<token table digest, 16>`:
   * which encoder, how much of it, and which table produced a score, for the audit log.
   */
  readonly id: string;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** The mean of the text's rows in the distilled token table (token-table.ts): microseconds, no context. */
  embedStatic(text: string): Float32Array;
  close(): Promise<void>;
}

/**
 * Where the tools (CLI, benchmarks, training, tests) find the encoder: GUARDRAILS_HARM_MODEL_DIR, else
 * the folder infra/models/fetch-harm-model.sh fills (this module sits five folders below the repo root,
 * in src/ and in dist/ alike). The service itself takes it from its validated config.
 */
export function defaultHarmModelDir(): string {
  return (
    process.env.GUARDRAILS_HARM_MODEL_DIR ??
    fileURLToPath(new URL('../../../../../../.data/models/all-minilm-l6-v2-q', import.meta.url))
  );
}

/** The model's own limit (max_seq_length 256); the pattern rules still read the whole text. */
const MAX_TOKENS = 256;
const SEP_TOKEN_ID = 102;
const DIMENSIONS = 384;

export interface SentenceEncoderOptions {
  /** onnxruntime's intra-op threads (default 1). */
  threads?: number;
  /** How many of the model's transformer layers `embed` runs (default all six). */
  layers?: number;
}

const ALL_LAYERS = 6;

export async function loadSentenceEncoder(
  modelDir: string,
  options: SentenceEncoderOptions = {},
): Promise<SentenceEncoder> {
  const layers = options.layers ?? ALL_LAYERS;
  if (!Number.isInteger(layers) || layers < 1 || layers > ALL_LAYERS)
    throw new Error(`the sentence encoder has ${ALL_LAYERS} layers; it cannot run ${layers}`);
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  const missing = (cause: unknown) =>
    new ConfigError([
      `GUARDRAILS_HARM_MODEL_DIR: the harm rail's sentence encoder is missing or unreadable in ${modelDir} (${(cause as Error).message}); run \`bash infra/models/fetch-harm-model.sh\``,
    ]);
  let tokenizerJson: object;
  let onnx: Uint8Array;
  let digest: string;
  try {
    tokenizerJson = JSON.parse(await readFile(join(modelDir, 'tokenizer.json'), 'utf8')) as object;
    onnx = await readFile(join(modelDir, 'model.onnx'));
    digest = createHash('sha256').update(onnx).digest('hex');
  } catch (cause) {
    throw missing(cause);
  }
  let reader: Uint8Array = onnx;
  if (layers < ALL_LAYERS)
    try {
      reader = truncateEncoderLayers(onnx, layers);
    } catch (cause) {
      throw new ConfigError([
        `GUARDRAILS_HARM_MODEL_DIR: the model in ${modelDir} cannot be cut after layer ${layers} (${(cause as Error).message}); the rail expects the all-MiniLM-L6-v2 export that infra/models/fetch-harm-model.sh pins`,
      ]);
    }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(reader, sessionOptions);
  } catch (cause) {
    throw missing(cause);
  }
  const tokenizer = new Tokenizer(tokenizerJson, { do_lower_case: true });
  const tokenize = (text: string): number[] => {
    const tokenIds: number[] = tokenizer.encode(text).ids.slice(0, MAX_TOKENS).map(Number);
    // A truncated text still ends with [SEP], as the model saw in training.
    if (tokenIds.length === MAX_TOKENS) tokenIds[MAX_TOKENS - 1] = SEP_TOKEN_ID;
    return tokenIds;
  };
  const runOn =
    (on: ort.InferenceSession): RunEncoder =>
    async (batch) => {
      const ids = batch.flat();
      const shape = [batch.length, batch[0]!.length];
      const output = await on.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((id) => BigInt(id))), shape),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), shape),
      });
      return output.last_hidden_state!.data as Float32Array;
    };
  const lastHiddenState = runOn(session);
  const vocabSize = Object.keys((tokenizerJson as { model: { vocab: object } }).model.vocab).length;
  // The table always comes from the whole model (the same table whatever `layers` is); a cut encoder
  // opens the whole one only when the table has not been distilled yet.
  let wholeModel: ort.InferenceSession | undefined;
  const table: TokenTable = await loadOrDistilTokenTable(
    modelDir,
    digest,
    vocabSize,
    DIMENSIONS,
    layers === ALL_LAYERS
      ? lastHiddenState
      : async (batch) => {
          wholeModel ??= await ort.InferenceSession.create(onnx, sessionOptions);
          return runOn(wholeModel)(batch);
        },
  ).finally(() => wholeModel?.release());
  const embedOne = async (text: string): Promise<Float32Array> => {
    const tokenIds = tokenize(text);
    const width = DIMENSIONS;
    const states = await lastHiddenState([tokenIds]);
    // Mean pooling over the tokens, then L2 normalisation (sentence-transformers' recipe for this model).
    const vector = new Float32Array(width);
    for (let j = 0; j < tokenIds.length; j++)
      for (let d = 0; d < width; d++) vector[d]! += states[j * width + d]!;
    let norm = 0;
    for (let d = 0; d < width; d++) norm += vector[d]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < width; d++) vector[d]! /= norm;
    return vector;
  };
  return {
    dimensions: DIMENSIONS,
    layers,
    id: `all-minilm-l6-v2-q@sha256:${digest}${layers === ALL_LAYERS ? '' : ` layers 1-${layers}`} tokens@sha256:${table.digest.slice(0, 16)}`,
    // One text per run: the int8 model quantises activations per tensor, so a text's embedding would
    // otherwise shift with whatever else shares its batch; a verdict must not depend on its neighbours.
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (const text of texts) vectors.push(await embedOne(text));
      return vectors;
    },
    embedStatic: (text) => table.embed(tokenize(text)),
    close: () => session.release(),
  };
}
