import { createHash } from 'node:crypto';
import type { RuleFinding } from '@aloe/shared/schemas';
import { loadSentenceEncoder, type SentenceEncoder } from './encoder/sentence-encoder.js';
import { HARM_CLASSIFIER } from './generated/harm-classifier-weights.js';
import { deserializeModel, type LogisticModel, probability } from './logistic-model.js';
import { deserializeMlp, type MlpModel, mlpProbability, type SerializedMlp } from './mlp.js';

export const HARM_MODEL_RULE_ID = 'output.harmful-request-model';
export const FRAMING_MODEL_RULE_ID = 'output.jailbreak-model';
const MIN_WORDS = 3;
/** One head's verdict on a text. */
export interface HeadScore {
  /** The mean of `meaning` and `wording`: what the head's threshold applies to. */
  probability: number;
  /** From a sentence embedding (meaning: "kill a person" vs "kill a process"). */
  meaning: number;
  /** From hashed words and word pairs. */
  wording: number;
}

/** The harm head's verdict (what a text asks for), the framing head's beside it, and who read the text. */
export interface HarmScore extends HeadScore {
  /**
   * The framing head: whether the text is dressed to steer a model (a persona without rules, "ignore
   * your instructions", a story that must give the steps), whatever it asks for. Apart from the harm
   * head so that the harm head judges the goal, not the dress.
   */
  framing: HeadScore;
  /**
   * Which embedding `meaning` came from: `screen`, the distilled token table (texts it clears: most
   * clinical advice), or `encoder`, the transformer (every text the screen does not clear).
   */
  stage: 'screen' | 'encoder';
}

/**
 * The learned harm rail: small models trained on the training halves of public red-team and benign
 * sets plus the project's synthetic advice, contrast sentences, everyday questions, instructions and
 * jailbreak wrappers (docs/measurements.md#safety-on-public-data gives the held-out rates). Two heads read
 * each text: **harm** (does it ask for or give harm; a harmless goal inside a jailbreak wrapper is not harm)
 * and **framing** (is it dressed to steer a model). Each flags with its own rule id, so a verdict says which
 * it is. A cascade, so the rail fits the hot path: a screen (MLPs over the static token-table embedding,
 * averaged with the wording models) clears the texts both heads score below their `encoderFrom`; every other
 * text is scored again with an embedding from the transformer (its first `encoderLayers` layers: two thirds
 * of the cost of all six, and in validation as good) and flagged from a head's `threshold` up, so every flag
 * comes from the transformer (but for texts of fewer than three words: wording alone). Thresholds and bounds
 * were chosen by cross-validation inside the training halves. It catches paraphrases the pattern rules miss;
 * the pattern rules explain themselves better.
 */
export interface HarmClassifier {
  /** The harm head's threshold. */
  readonly threshold: number;
  /** The encoder, the token table and the heads' weights, by digest: recorded with every audited decision. */
  readonly id: string;
  score(texts: readonly string[]): Promise<HarmScore[]>;
  /** The findings a score gives: one per head at or above its threshold. */
  findings(score: HarmScore): RuleFinding[];
  /** One list of findings per text (empty below both thresholds). */
  assess(texts: readonly string[]): Promise<RuleFinding[][]>;
  close(): Promise<void>;
}

/** One head's weights: a wording model, an MLP over the token table (screen), one over the transformer. */
export interface HeadWeights {
  threshold: number;
  /**
   * Texts the screen scores below this are decided by the screen (unless the other head is unsure);
   * from it up, by the transformer. At most `threshold` in the shipped weights (the screen only clears);
   * 0 sends every text to the transformer and Infinity none (the cross-validation compares both).
   */
  encoderFrom: number;
  wording: { weights: string; bias: number; threshold: number };
  /** The head over the static token-table embedding. */
  screen: SerializedMlp;
  /** The head over the transformer's embedding. */
  meaning: SerializedMlp;
}

/** The harm head's weights at the top level, the framing head's under `framing`. */
export interface HarmClassifierWeights extends HeadWeights {
  /**
   * How many of the encoder's six layers the transformer read runs (the meaning heads were trained on
   * that layer's mean-pooled output): a read's cost is proportional to it.
   */
  encoderLayers: number;
  framing: HeadWeights;
}

interface Head {
  threshold: number;
  encoderFrom: number;
  wording: LogisticModel;
  screen: MlpModel;
  meaning: MlpModel;
}

function headOf(weights: HeadWeights, dimensions: number, name: string): Head {
  const head = {
    threshold: weights.threshold,
    encoderFrom: weights.encoderFrom,
    wording: deserializeModel(weights.wording),
    screen: deserializeMlp(weights.screen),
    meaning: deserializeMlp(weights.meaning),
  };
  for (const mlp of [head.screen, head.meaning])
    if (mlp.inputs !== dimensions)
      throw new Error(
        `harm classifier ${name} weights expect ${mlp.inputs}-dimensional embeddings; the encoder gives ${dimensions}`,
      );
  if (Number.isNaN(head.encoderFrom) || head.encoderFrom < 0)
    throw new Error(`harm classifier ${name} encoderFrom must be a number ≥ 0, not ${head.encoderFrom}`);
  return head;
}

/** One head's finding, when its score reaches its threshold; the message names both parts and the reader. */
function headFinding(
  ruleId: string,
  what: string,
  score: HeadScore,
  threshold: number,
  stage: HarmScore['stage'],
): RuleFinding[] {
  if (score.probability < threshold) return [];
  return [
    {
      ruleId,
      severity: 'critical',
      message: `A learned classifier rates this as ${what} (p = ${score.probability.toFixed(2)} ≥ ${threshold}; meaning ${score.meaning.toFixed(2)}, wording ${score.wording.toFixed(2)}; read by the ${stage})`,
    },
  ];
}

const mean = (meaning: number, wording: number): HeadScore => ({
  probability: (meaning + wording) / 2,
  meaning,
  wording,
});

export function createHarmClassifier(
  encoder: SentenceEncoder,
  weights: HarmClassifierWeights = HARM_CLASSIFIER,
): HarmClassifier {
  const harm = headOf(weights, encoder.dimensions, 'harm');
  const framing = headOf(weights.framing, encoder.dimensions, 'framing');
  if (encoder.layers !== weights.encoderLayers)
    throw new Error(
      `harm classifier weights were trained on the encoder's first ${weights.encoderLayers} layers; this encoder runs ${encoder.layers}`,
    );
  const score = async (texts: readonly string[]): Promise<HarmScore[]> => {
    const scores: HarmScore[] = [];
    const unsure: number[] = [];
    for (const [i, text] of texts.entries()) {
      const harmWording = probability(harm.wording, text);
      const framingWording = probability(framing.wording, text);
      // A text of fewer than three words gives an embedding nothing to read (the encoder rated a line
      // of asterisks 0.99), so the wording parts decide alone.
      if ((text.match(/[a-z]{2,}/gi)?.length ?? 0) < MIN_WORDS) {
        scores.push({
          ...mean(harmWording, harmWording),
          framing: mean(framingWording, framingWording),
          stage: 'screen',
        });
        continue;
      }
      const embedding = encoder.embedStatic(text);
      const screened: HarmScore = {
        ...mean(mlpProbability(harm.screen, embedding), harmWording),
        framing: mean(mlpProbability(framing.screen, embedding), framingWording),
        stage: 'screen',
      };
      scores.push(screened);
      if (screened.probability >= harm.encoderFrom || screened.framing.probability >= framing.encoderFrom)
        unsure.push(i);
    }
    const embeddings = await encoder.embed(unsure.map((i) => texts[i]!));
    for (const [k, i] of unsure.entries()) {
      const { wording, framing: screenedFraming } = scores[i]!;
      scores[i] = {
        ...mean(mlpProbability(harm.meaning, embeddings[k]!), wording),
        framing: mean(mlpProbability(framing.meaning, embeddings[k]!), screenedFraming.wording),
        stage: 'encoder',
      };
    }
    return scores;
  };
  const findings = (result: HarmScore): RuleFinding[] => [
    ...headFinding(HARM_MODEL_RULE_ID, 'a harmful request', result, harm.threshold, result.stage),
    ...headFinding(
      FRAMING_MODEL_RULE_ID,
      'framing aimed at steering a model, a jailbreak',
      result.framing,
      framing.threshold,
      result.stage,
    ),
  ];
  const heads = createHash('sha256').update(JSON.stringify(weights)).digest('hex');
  return {
    threshold: harm.threshold,
    id: `${encoder.id} heads@sha256:${heads.slice(0, 16)} harm ${harm.threshold} from ${harm.encoderFrom}, framing ${framing.threshold} from ${framing.encoderFrom}`,
    score,
    findings,
    assess: async (texts) => (await score(texts)).map(findings),
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
