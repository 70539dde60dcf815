import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@aloe/shared/errors';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

/**
 * all-MiniLM-L6-v2 (int8 ONNX, fetched by infra/models/fetch-harm-model.sh) on onnxruntime's CPU
 * provider: texts → 384-dimensional, mean-pooled, L2-normalised sentence embeddings, as the
 * sentence-transformers model defines them. Runs in-process: ~1.5 ms for a short sentence on one core.
 */
export interface SentenceEncoder {
  readonly dimensions: number;
  /** `all-minilm-l6-v2-q@sha256:<model.onnx digest>`: which encoder produced a score, for the audit log. */
  readonly id: string;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
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
    fileURLToPath(new URL('../../../../../.data/models/all-minilm-l6-v2-q', import.meta.url))
  );
}

/** The model's own limit (max_seq_length 256); the pattern rules still read the whole text. */
const MAX_TOKENS = 256;
const SEP_TOKEN_ID = 102;

export async function loadSentenceEncoder(
  modelDir: string,
  options: { threads?: number } = {},
): Promise<SentenceEncoder> {
  let tokenizerJson: object;
  let session: ort.InferenceSession;
  let digest: string;
  try {
    tokenizerJson = JSON.parse(await readFile(join(modelDir, 'tokenizer.json'), 'utf8')) as object;
    const onnx = await readFile(join(modelDir, 'model.onnx'));
    digest = createHash('sha256').update(onnx).digest('hex');
    session = await ort.InferenceSession.create(onnx, {
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (cause) {
    throw new ConfigError([
      `GUARDRAILS_HARM_MODEL_DIR: the harm rail's sentence encoder is missing or unreadable in ${modelDir} (${(cause as Error).message}); run \`bash infra/models/fetch-harm-model.sh\``,
    ]);
  }
  const tokenizer = new Tokenizer(tokenizerJson, { do_lower_case: true });
  const embedOne = async (text: string): Promise<Float32Array> => {
    const tokenIds: number[] = tokenizer.encode(text).ids.slice(0, MAX_TOKENS).map(Number);
    // A truncated text still ends with [SEP], as the model saw in training.
    if (tokenIds.length === MAX_TOKENS) tokenIds[MAX_TOKENS - 1] = SEP_TOKEN_ID;
    const shape = [1, tokenIds.length];
    const output = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(tokenIds.map((id) => BigInt(id))), shape),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(tokenIds.length).fill(1n), shape),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(tokenIds.length), shape),
    });
    const hidden = output.last_hidden_state!;
    const width = hidden.dims[2]!;
    const states = hidden.data as Float32Array;
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
    dimensions: 384,
    id: `all-minilm-l6-v2-q@sha256:${digest}`,
    // One text per run: the int8 model quantises activations per tensor, so a text's embedding would
    // otherwise shift with whatever else shares its batch; a verdict must not depend on its neighbours.
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (const text of texts) vectors.push(await embedOne(text));
      return vectors;
    },
    close: () => session.release(),
  };
}
