import { createHash } from 'node:crypto';
import type { RuleFinding } from '@aloe/shared/schemas';
import { HARM_CLASSIFIER } from '../data/harm-classifier-weights.js';
import { deserializeModel, type LogisticModel, probability } from './logistic-model.js';
import { deserializeMlp, type MlpModel, mlpProbability, type SerializedMlp } from './mlp.js';
import { loadSentenceEncoder, type SentenceEncoder } from './sentence-encoder.js';

export const HARM_MODEL_RULE_ID = 'output.harmful-request-model';
const MIN_WORDS = 3;

export interface HarmScore {
  /** The mean of the two parts below: what the threshold applies to. */
  probability: number;
  /** From the sentence embedding (meaning: "kill a person" vs "kill a process"). */
  meaning: number;
  /** From hashed words and word pairs (wording typical of requests for harm). */
  wording: number;
}

/**
 * The learned harm rail: two small models trained on the training halves of public red-team and benign
 * sets plus the project's synthetic advice and contrast sentences (README gives the held-out rates);
 * a text is flagged when the mean of their probabilities reaches the threshold (chosen by
 * cross-validation inside the training halves). It catches paraphrases the pattern rules miss; the pattern rules
 * explain themselves better.
 */
export interface HarmClassifier {
  readonly threshold: number;
  /** The encoder and the heads' weights, by digest: recorded with every audited decision. */
  readonly id: string;
  score(texts: readonly string[]): Promise<HarmScore[]>;
  /** One list of findings per text (empty below the threshold). */
  assess(texts: readonly string[]): Promise<RuleFinding[][]>;
  close(): Promise<void>;
}

export interface HarmClassifierWeights {
  threshold: number;
  wording: { weights: string; bias: number; threshold: number };
  meaning: SerializedMlp;
}

export function findingFor(score: HarmScore, threshold: number): RuleFinding[] {
  return score.probability >= threshold
    ? [
        {
          ruleId: HARM_MODEL_RULE_ID,
          severity: 'critical',
          message: `A learned classifier rates this as a harmful request (p = ${score.probability.toFixed(2)} ≥ ${threshold}; meaning ${score.meaning.toFixed(2)}, wording ${score.wording.toFixed(2)})`,
        },
      ]
    : [];
}

export function createHarmClassifier(
  encoder: SentenceEncoder,
  weights: HarmClassifierWeights = HARM_CLASSIFIER,
): HarmClassifier {
  const wording: LogisticModel = deserializeModel(weights.wording);
  const meaning: MlpModel = deserializeMlp(weights.meaning);
  if (meaning.inputs !== encoder.dimensions)
    throw new Error(
      `harm classifier weights expect ${meaning.inputs}-dimensional embeddings; the encoder gives ${encoder.dimensions}`,
    );
  const score = async (texts: readonly string[]): Promise<HarmScore[]> => {
    const embeddings = await encoder.embed(texts);
    return texts.map((text, i) => {
      const fromWording = probability(wording, text);
      // A text of fewer than three words gives the encoder nothing to read (it rated a line of
      // asterisks 0.99), so the wording part decides alone.
      const fromMeaning =
        (text.match(/[a-z]{2,}/gi)?.length ?? 0) >= MIN_WORDS
          ? mlpProbability(meaning, embeddings[i]!)
          : fromWording;
      return { probability: (fromMeaning + fromWording) / 2, meaning: fromMeaning, wording: fromWording };
    });
  };
  const heads = createHash('sha256').update(JSON.stringify(weights)).digest('hex');
  return {
    threshold: weights.threshold,
    id: `${encoder.id} heads@sha256:${heads.slice(0, 16)} threshold ${weights.threshold}`,
    score,
    assess: async (texts) => (await score(texts)).map((result) => findingFor(result, weights.threshold)),
    close: () => encoder.close(),
  };
}

/** Loads the sentence encoder from `modelDir` (ConfigError naming the fix when it is missing). */
export async function loadHarmClassifier(
  modelDir: string,
  options: { threads?: number } = {},
): Promise<HarmClassifier> {
  return createHarmClassifier(await loadSentenceEncoder(modelDir, options));
}
