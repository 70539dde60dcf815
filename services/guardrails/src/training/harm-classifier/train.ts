// `npm run train-harm-classifier -w @aloe/guardrails [-- --validate] [--layers N]`: trains the learned harm rail on
// the training halves (split.ts) of the public text sets in ../shared/data plus the project's synthetic
// advice, contrast sentences, everyday questions, instructions and jailbreak wrappers (two heads: harm
// and framing), and writes src/rails/harm/generated/harm-classifier-weights.ts. The held-out
// halves measure it (npm run measure-safety); JailbreakBench and the CDS Hooks card texts are never
// trained on. `--validate` instead cross-validates on the training halves (4 folds: train on three,
// score the fourth) and prints the rates at several thresholds, then the cascade's rates and how often
// it needs the encoder for several screen bounds: how the shipped threshold and bound were chosen.
// `--layers N` reads with the encoder's first N layers instead of ENCODER_LAYERS (to compare).
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPromptSets, TRAINING_SETS } from '../../bench/safety-sets.js';
import { defaultHarmModelDir, loadSentenceEncoder } from '../../rails/harm/encoder/sentence-encoder.js';
import {
  createHarmClassifier,
  type HarmClassifierWeights,
  type HeadWeights,
} from '../../rails/harm/harm-classifier.js';
import { isTrainingExample } from './split.js';
import { syntheticAdvice } from './synthetic-advice.js';
import { syntheticContrasts } from './synthetic-contrasts.js';
import { syntheticEveryday } from './synthetic-everyday.js';
import { harmlessGoals, syntheticInstructions } from './synthetic-instructions.js';
import { wrapped } from './synthetic-wrappers.js';
import { serializeModel, trainLogisticModel } from './train-logistic.js';
import { serializeMlp, trainMlp } from './train-mlp.js';

// Chosen by `--validate` (4-fold cross-validation on the training halves): of 0.4–0.7, the highest at
// which every harmful set stays ≥ 90% blocked with the transformer reading every text (Do-Not-Answer
// 92.7%; 88.3% at 0.55); there every clinical benign set is ≤ 1.4% flagged, XSTest's safe prompts 29.4%.
const THRESHOLD = 0.5;
// Chosen by `--validate`: the screen clears texts below 0.2 and the transformer reads the rest. That
// sends ~7% of MEDEC's clinical sentences to the transformer (11% from 0.1) and keeps every set within
// 1.3 points of the transformer reading every text (Do-Not-Answer 91.4% against 92.7%, XSTest's unsafe
// contrasts 92.3% against 93.3%, XSTest's safe prompts 27.0% against 29.4%); from 0.3 XSTest's unsafe
// contrasts fall to 89.4%. A band that also let the screen flag alone ([0.2, 0.8)) read fewer harmful
// texts with the transformer but flagged 48.4% of XSTest's safe prompts (measured before the everyday
// questions).
const ENCODER_FROM = 0.2;
// Chosen by `--validate --layers N` and the bench: the transformer read runs the encoder's first four
// layers (of six), which costs two thirds of a whole read (a read is compute-bound, ~0.17 ms a token on
// one core for all six). In cross-validation (before the everyday questions) four layers blocked more
// than six (XSTest's unsafe contrasts 96.2% against 88.5%, Do-Not-Answer 93.0% against 90.5%) and
// flagged a little more of XSTest's safe prompts (42.9% against 40.5%); three layers flagged 7.4% of the
// CDS Hooks card texts (never trained on, but this choice looked at them) against 4.1%, and with the
// everyday questions 32.5% of XSTest's safe prompts against 28.6% (both at bound 0.1).
const ENCODER_LAYERS = 4;
// The framing head's: in cross-validation (two heads, the wild jailbreaks out of the harm head) at 0.5
// it flagged 97.2% of the in-the-wild jailbreaks and ≤ 0.4% of every benign set, at 0.6 93.9%; the
// same bound as the harm head's. The harm head's 0.5 was checked again there: Do-Not-Answer 95.4%,
// XSTest's unsafe contrasts 92.3% and its safe prompts 38.9% (0.4: 97.6%, 94.2%, 47.6%).
const FRAMING_THRESHOLD = 0.5;
const FRAMING_ENCODER_FROM = 0.2;
const WILD_JAILBREAKS = 'In-the-wild jailbreaks';
// Each goal comes in every training wrapper (12 texts): a quarter weight each, so a goal counts about
// as much as three plain examples (against weight 1 the held-out rates moved by less than a point).
// The instructions count once (twice made no difference to the held-out harmful sets either).
const WRAPPED_WEIGHT = 0.25;
const INSTRUCTION_WEIGHT = 1;
const WILD_HARM_WEIGHT = 0.5;
/** The sets whose training-half requests go into the training wrappers as harmful goals. */
const HARMFUL_GOAL_SETS = new Set(['HarmBench (standard)', 'Do-Not-Answer', 'MedSafetyBench (train)']);
// How much each everyday question counts (2 and 3 did alike in cross-validation).
const EVERYDAY_WEIGHT = 2;
const serviceDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
const validate = process.argv.includes('--validate');
/** The cross-validation fold (0–3) of a text, by a second hash. */
const foldOf = (text: string) => createHash('sha256').update(`fold:${text}`).digest()[0]! % 4;

const sets = (await loadPromptSets(resolve(serviceDir, '../../../shared/data'))).filter(
  (set) => TRAINING_SETS.has(set.name) && set.channel === 'text',
);
if (sets.length === 0) {
  console.error('train-harm-classifier: ../shared/data is absent; nothing to train on');
  process.exit(2);
}
const contrasts = syntheticContrasts();
interface Example {
  text: string;
  /** The harm head's label; undefined for what only the framing head learns from (see below). */
  harmful?: boolean;
  /** The framing head's label: dressed to steer a model. */
  framing: boolean;
  weight: number;
  /** False for what only the transformer's heads and the wording models learn from (see below). */
  screen?: boolean;
}
// Harmful goals for the training wrappers: every eighth training-half request of the harmful sets.
const harmfulGoals = sets
  .filter((set) => set.harmful && HARMFUL_GOAL_SETS.has(set.name))
  .flatMap((set) => set.prompts.filter(isTrainingExample))
  .filter((_, i) => i % 8 === 0)
  .map((goal) => goal.charAt(0).toLowerCase() + goal.slice(1));
const harmlessGoalPool = harmlessGoals().filter((_, i) => i % 5 === 0);
const examples: Example[] = [
  // XSTest's prompts are rare, deliberately confusable pairs ("kill a Python process"): each counts 5×.
  // The in-the-wild jailbreaks are wrappers, mostly around a placeholder ("[INSERT PROMPT HERE]"): the
  // framing head learns from them; the harm head at half weight (at full weight, with nothing to say
  // otherwise, they taught it that the dress is the harm; left out, the plain harmful requests lost
  // 3–5 points: much of their wording of harm is the wrappers' promises to do anything).
  ...sets.flatMap((set) =>
    set.prompts.filter(isTrainingExample).map((text) => ({
      text,
      harmful: set.harmful,
      framing: set.name === WILD_JAILBREAKS,
      weight: set.name.startsWith('XSTest') ? 5 : set.name === WILD_JAILBREAKS ? WILD_HARM_WEIGHT : 1,
    })),
  ),
  ...syntheticAdvice()
    .filter(isTrainingExample)
    .map((text) => ({ text, harmful: false, framing: false, weight: 1 })),
  // Everyday questions teach the flagging parts that a question off the medical topic is not harmful
  // in itself (XSTest's safe prompts, held out: 42.7% → 30.6% flagged). The screen does not learn from
  // them: it only decides what the transformer reads, and trained on them it grew wary of opioid advice
  // (it sent about twice as many clinical texts to the transformer, which broke the p99).
  ...syntheticEveryday().map((text) => ({
    text,
    harmful: false,
    framing: false,
    weight: EVERYDAY_WEIGHT,
    screen: false,
  })),
  // Plain instructions teach them that an imperative is not harmful in itself; the screen skips them
  // for the same reason.
  ...syntheticInstructions().map((text) => ({
    text,
    harmful: false,
    framing: false,
    weight: INSTRUCTION_WEIGHT,
    screen: false,
  })),
  // The same wrappers around harmless and harmful goals: the harm is in the goal; the dress is framing.
  ...wrapped(harmlessGoalPool).map((text) => ({
    text,
    harmful: false,
    framing: true,
    weight: WRAPPED_WEIGHT,
  })),
  ...wrapped(harmfulGoals).map((text) => ({ text, harmful: true, framing: true, weight: WRAPPED_WEIGHT })),
  ...contrasts.harmful.map((text) => ({ text, harmful: true, framing: false, weight: 3 })),
  ...contrasts.benign.map((text) => ({ text, harmful: false, framing: false, weight: 3 })),
];

const layersFlag = process.argv.indexOf('--layers');
const layers = layersFlag === -1 ? ENCODER_LAYERS : Number(process.argv[layersFlag + 1]);
const encoder = await loadSentenceEncoder(defaultHarmModelDir(), { threads: 2, layers });
const embeddings = new Map<string, Float32Array>();
const texts = [...new Set(examples.map((example) => example.text))].sort((a, b) => a.length - b.length);
for (let i = 0; i < texts.length; i += 32) {
  const batch = texts.slice(i, i + 32);
  for (const [j, vector] of (await encoder.embed(batch)).entries()) embeddings.set(batch[j]!, vector);
}
const staticEmbeddings = new Map(texts.map((text) => [text, encoder.embedStatic(text)]));
type Label = 'harmful' | 'framing';
function trainHead(selected: Example[], label: Label, threshold: number, encoderFrom: number): HeadWeights {
  const labelled = selected
    .filter((example) => example[label] !== undefined)
    .map((example) => ({ ...example, harmful: example[label]! }));
  const head = (vectors: Map<string, Float32Array>, from: typeof labelled) =>
    serializeMlp(
      trainMlp(
        from.map((example) => ({
          x: vectors.get(example.text)!,
          harmful: example.harmful,
          weight: example.weight,
        })),
        { hidden: 64, epochs: 30, learningRate: 0.003, l2: 1e-4 },
      ),
    );
  return {
    threshold,
    encoderFrom,
    wording: serializeModel(trainLogisticModel(labelled, { epochs: 30, learningRate: 1, threshold })),
    screen: head(
      staticEmbeddings,
      labelled.filter((example) => example.screen !== false),
    ),
    meaning: head(embeddings, labelled),
  };
}
function train(selected: Example[]): HarmClassifierWeights {
  return {
    ...trainHead(selected, 'harmful', THRESHOLD, ENCODER_FROM),
    encoderLayers: layers,
    framing: trainHead(selected, 'framing', FRAMING_THRESHOLD, FRAMING_ENCODER_FROM),
  };
}

if (validate) {
  const thresholds = [0.4, 0.5, 0.55, 0.6, 0.65, 0.7];
  const bounds = [0.1, 0.15, 0.2, 0.3];
  type Row = { total: number; at: number[]; framingAt: number[]; cascade: number[]; encoder: number[] };
  const flagged = new Map<string, Row>();
  // The public sets' training halves and the project's own sentences, by name.
  const validationSets = [
    ...sets.map((set) => ({
      name: set.name,
      harmful: set.harmful,
      texts: set.prompts.filter(isTrainingExample),
    })),
    { name: 'project instructions', harmful: false, texts: syntheticInstructions() },
    { name: 'project wrappers, harmless goals', harmful: false, texts: wrapped(harmlessGoalPool) },
    { name: 'project wrappers, harmful goals', harmful: true, texts: wrapped(harmfulGoals) },
  ];
  for (let fold = 0; fold < 4; fold++) {
    const weights = train(examples.filter((e) => foldOf(e.text) !== fold));
    // The same heads twice: every text through the transformer, and none.
    const full = createHarmClassifier(encoder, {
      ...weights,
      encoderFrom: 0,
      framing: { ...weights.framing, encoderFrom: 0 },
    });
    const screen = createHarmClassifier(encoder, {
      ...weights,
      encoderFrom: Infinity,
      framing: { ...weights.framing, encoderFrom: Infinity },
    });
    for (const set of validationSets) {
      const held = set.texts.filter((text) => foldOf(text) === fold);
      const fullScores = await full.score(held);
      const screenScores = await screen.score(held);
      const row = flagged.get(set.name) ?? {
        total: 0,
        at: thresholds.map(() => 0),
        framingAt: thresholds.map(() => 0),
        cascade: bounds.map(() => 0),
        encoder: bounds.map(() => 0),
      };
      row.total += held.length;
      thresholds.forEach((threshold, t) => {
        row.at[t]! += fullScores.filter((score) => score.probability >= threshold).length;
        row.framingAt[t]! += fullScores.filter((score) => score.framing.probability >= threshold).length;
      });
      bounds.forEach((from, b) => {
        for (const [i, screened] of screenScores.entries()) {
          const read = screened.probability >= from || screened.framing.probability >= from;
          if (read) row.encoder[b]!++;
          const verdict = read ? fullScores[i]! : screened;
          if (verdict.probability >= THRESHOLD || verdict.framing.probability >= FRAMING_THRESHOLD)
            row.cascade[b]!++;
        }
      });
      flagged.set(set.name, row);
    }
  }
  const percent = (count: number, total: number) => `${((100 * count) / total).toFixed(1)}%`;
  for (const [title, column] of [
    ['harm head, encoder on every text, by threshold:', 'at'],
    ['framing head, encoder on every text, by threshold:', 'framingAt'],
  ] as const) {
    console.log(title);
    for (const set of validationSets) {
      const row = flagged.get(set.name)!;
      const rates = thresholds.map((threshold, t) => `${threshold}: ${percent(row[column][t]!, row.total)}`);
      console.log(
        `${set.name.padEnd(34)} ${set.harmful ? 'harmful' : 'benign '} n=${row.total} ${rates.join('  ')}`,
      );
    }
  }
  console.log(
    `cascade (either head: harm ${THRESHOLD}, framing ${FRAMING_THRESHOLD}), by where the transformer takes over: flagged (texts it read):`,
  );
  for (const set of validationSets) {
    const row = flagged.get(set.name)!;
    const rates = bounds.map(
      (from, b) =>
        `from ${from}: ${percent(row.cascade[b]!, row.total)} (${percent(row.encoder[b]!, row.total)})`,
    );
    console.log(`${set.name.padEnd(34)} ${set.harmful ? 'harmful' : 'benign '} ${rates.join('  ')}`);
  }
  await encoder.close();
  process.exit(0);
}
const weights = train(examples);

const source = `// Generated by \`npm run train-harm-classifier\` (src/training/harm-classifier/train.ts); do not edit.
// Two heads (harm, framing), each two MLPs, over the mean-pooled output of all-MiniLM-L6-v2's first
// ${layers} layers and over the token table distilled from the whole model, and a logistic regression
// over hashed words and word pairs, trained on the training halves (split.ts) of
// ${sets.map((set) => set.name).join(', ')}
// from ../shared/data (MIT, Apache-2.0 and CC-BY-4.0 sets; see their SOURCE.md), and on the project's
// synthetic advice, contrast sentences, everyday questions, instructions and jailbreak wrappers (${examples.length} examples). Weights only: no text of those sets is stored here.
import type { HarmClassifierWeights } from '../harm-classifier.js';

export const HARM_CLASSIFIER: HarmClassifierWeights = ${JSON.stringify(weights, null, 2)};
`;
await writeFile(resolve(serviceDir, 'src/rails/harm/generated/harm-classifier-weights.ts'), source);
await encoder.close();
console.log(
  `trained on ${examples.length} examples; wrote src/rails/harm/generated/harm-classifier-weights.ts`,
);
