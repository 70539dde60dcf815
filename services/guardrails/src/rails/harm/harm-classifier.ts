import { createHash } from 'node:crypto';
import type { RuleFinding } from '@aloe/shared/schemas';
import { loadSentenceEncoder, type SentenceEncoder } from './encoder/sentence-encoder.js';
import { HARM_CLASSIFIER } from './generated/harm-classifier-weights.js';
import { deserializeModel, type LogisticModel, probability } from './logistic-model.js';
import { deserializeMlp, type MlpModel, mlpProbability, type SerializedMlp } from './mlp.js';

export const HARM_MODEL_RULE_ID = 'output.harmful-request-model';
const MIN_WORDS = 3;

export interface HarmScore {
  /** The mean of `meaning` and `wording`: what the threshold applies to. */
  probability: number;
  /** From a sentence embedding (meaning: "kill a person" vs "kill a process"). */
  meaning: number;
  /** From hashed words and word pairs (wording typical of requests for harm). */
  wording: number;
  /**
   * Which embedding `meaning` came from: `screen`, the distilled token table (texts it clears: most
   * clinical advice), or `encoder`, the transformer (every text the screen does not clear).
   */
  stage: 'screen' | 'encoder';
}

/**
 * The learned harm rail: small models trained on the training halves of public red-team and benign
 * sets plus the project's synthetic advice, contrast sentences and everyday questions (README gives
 * the held-out rates).
 * A cascade, so the rail fits the hot path: a screen (an MLP over the static token-table embedding,
 * averaged with the wording model) clears the texts it scores below `encoderFrom`; every other text is
 * scored again with an embedding from the transformer (its first `encoderLayers` layers: two thirds of
 * the cost of all six, and in validation as good) and flagged from `threshold` up, so every flag comes
 * from the transformer (but for texts of fewer than three words: wording alone). The threshold and
 * `encoderFrom` were chosen by cross-validation inside the training halves. It catches paraphrases
 * the pattern rules miss; the pattern rules explain themselves better.
 */
export interface HarmClassifier {
  readonly threshold: number;
  /** The encoder, the token table and the heads' weights, by digest: recorded with every audited decision. */
  readonly id: string;
  score(texts: readonly string[]): Promise<HarmScore[]>;
  /** One list of findings per text (empty below the threshold). */
  assess(texts: readonly string[]): Promise<RuleFinding[][]>;
  close(): Promise<void>;
}

export interface HarmClassifierWeights {
  threshold: number;
  /**
   * Texts the screen scores below this are decided by the screen; from it up, by the transformer.
   * At most `threshold` in the shipped weights (the screen only clears); 0 sends every text to the
   * transformer and Infinity none (the cross-validation compares both).
   */
  encoderFrom: number;
  /**
   * How many of the encoder's six layers the transformer read runs (the meaning head was trained on
   * that layer's mean-pooled output): a read's cost is proportional to it.
   */
  encoderLayers: number;
  wording: { weights: string; bias: number; threshold: number };
  /** The head over the static token-table embedding. */
  screen: SerializedMlp;
  /** The head over the transformer's embedding. */
  meaning: SerializedMlp;
}

export function findingFor(score: HarmScore, threshold: number): RuleFinding[] {
  return score.probability >= threshold
    ? [
        {
          ruleId: HARM_MODEL_RULE_ID,
          severity: 'critical',
          message: `A learned classifier rates this as a harmful request (p = ${score.probability.toFixed(2)} ≥ ${threshold}; meaning ${score.meaning.toFixed(2)}, wording ${score.wording.toFixed(2)}; read by the ${score.stage})`,
        },
      ]
    : [];
}

export function createHarmClassifier(
  encoder: SentenceEncoder,
  weights: HarmClassifierWeights = HARM_CLASSIFIER,
): HarmClassifier {
  const wording: LogisticModel = deserializeModel(weights.wording);
  const screen: MlpModel = deserializeMlp(weights.screen);
  const meaning: MlpModel = deserializeMlp(weights.meaning);
  for (const head of [screen, meaning])
    if (head.inputs !== encoder.dimensions)
      throw new Error(
        `harm classifier weights expect ${head.inputs}-dimensional embeddings; the encoder gives ${encoder.dimensions}`,
      );
  if (encoder.layers !== weights.encoderLayers)
    throw new Error(
      `harm classifier weights were trained on the encoder's first ${weights.encoderLayers} layers; this encoder runs ${encoder.layers}`,
    );
  const { encoderFrom } = weights;
  if (Number.isNaN(encoderFrom) || encoderFrom < 0)
    throw new Error(`harm classifier encoderFrom must be a number ≥ 0, not ${encoderFrom}`);
  const score = async (texts: readonly string[]): Promise<HarmScore[]> => {
    const scores: HarmScore[] = [];
    const unsure: number[] = [];
    for (const [i, text] of texts.entries()) {
      const fromWording = probability(wording, text);
      // A text of fewer than three words gives an embedding nothing to read (the encoder rated a line
      // of asterisks 0.99), so the wording part decides alone.
      if ((text.match(/[a-z]{2,}/gi)?.length ?? 0) < MIN_WORDS) {
        scores.push({
          probability: fromWording,
          meaning: fromWording,
          wording: fromWording,
          stage: 'screen',
        });
        continue;
      }
      const fromScreen = mlpProbability(screen, encoder.embedStatic(text));
      const screened = (fromScreen + fromWording) / 2;
      scores.push({ probability: screened, meaning: fromScreen, wording: fromWording, stage: 'screen' });
      if (screened >= encoderFrom) unsure.push(i);
    }
    const embeddings = await encoder.embed(unsure.map((i) => texts[i]!));
    for (const [k, i] of unsure.entries()) {
      const fromMeaning = mlpProbability(meaning, embeddings[k]!);
      const { wording: fromWording } = scores[i]!;
      scores[i] = {
        probability: (fromMeaning + fromWording) / 2,
        meaning: fromMeaning,
        wording: fromWording,
        stage: 'encoder',
      };
    }
    return scores;
  };
  const heads = createHash('sha256').update(JSON.stringify(weights)).digest('hex');
  return {
    threshold: weights.threshold,
    id: `${encoder.id} heads@sha256:${heads.slice(0, 16)} threshold ${weights.threshold} encoder from ${encoderFrom}`,
    score,
    assess: async (texts) => (await score(texts)).map((result) => findingFor(result, weights.threshold)),
    close: () => encoder.close(),
  };
}

/**
 * Loads the sentence encoder from `modelDir`, cut to the layers `weights` were trained on (ConfigError
 * naming the fix when it is missing).
 */
export async function loadHarmClassifier(
  modelDir: string,
  options: { threads?: number } = {},
  weights: HarmClassifierWeights = HARM_CLASSIFIER,
): Promise<HarmClassifier> {
  return createHarmClassifier(
    await loadSentenceEncoder(modelDir, { ...options, layers: weights.encoderLayers }),
    weights,
  );
}
