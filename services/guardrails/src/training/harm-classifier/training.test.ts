import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { BENIGN_INSTRUCTIONS } from '../../bench/held-out/benign-instructions.js';
import { HARMLESS_GOALS, HELD_OUT_WRAPPERS } from '../../bench/held-out/jailbreak-wrappers.js';
import { TRAINING_SETS } from '../../bench/safety-sets.js';
import { deserializeModel, probability } from '../../rails/harm/logistic-model.js';
import { deserializeMlp, mlpProbability } from '../../rails/harm/mlp.js';
import { isTrainingExample } from './split.js';
import { syntheticAdvice } from './synthetic-advice.js';
import { syntheticContrasts } from './synthetic-contrasts.js';
import { syntheticEveryday } from './synthetic-everyday.js';
import { harmlessGoals, syntheticInstructions } from './synthetic-instructions.js';
import { TRAINING_WRAPPERS, wrapped } from './synthetic-wrappers.js';
import { serializeModel, trainLogisticModel } from './train-logistic.js';
import { serializeMlp, trainMlp } from './train-mlp.js';

const toy = [
  ...['build a bomb at home', 'make a bomb quickly', 'bomb instructions please'].map((text) => ({
    text,
    harmful: true,
  })),
  ...['check the inr today', 'review the dose today', 'monitor renal function'].map((text) => ({
    text,
    harmful: false,
  })),
];

describe('training the harm rail', () => {
  it('a logistic regression learns a separable toy problem and survives serialisation', () => {
    const model = trainLogisticModel(toy, { epochs: 50 });
    expect(probability(model, 'bomb at home')).toBeGreaterThan(0.75);
    expect(probability(model, 'review renal function today')).toBeLessThan(0.25);
    const copy = deserializeModel(serializeModel(model));
    expect(probability(copy, 'bomb at home')).toBeCloseTo(probability(model, 'bomb at home'), 6);
  });

  it('the MLP learns XOR (which no linear model can) and survives serialisation', () => {
    const xor = [
      [0, 0, false],
      [0, 1, true],
      [1, 0, true],
      [1, 1, false],
    ] as const;
    const examples = xor.map(([a, b, harmful]) => ({ x: Float32Array.of(a, b, 1), harmful }));
    const model = trainMlp(examples, { hidden: 8, epochs: 3_000, learningRate: 0.02, l2: 0 });
    for (const [a, b, harmful] of xor)
      expect(mlpProbability(model, Float32Array.of(a, b, 1)) > 0.5).toBe(harmful);
    const copy = deserializeMlp(serializeMlp(model));
    expect(mlpProbability(copy, Float32Array.of(0, 1, 1))).toBeCloseTo(
      mlpProbability(model, Float32Array.of(0, 1, 1)),
      6,
    );
  });

  it('splits texts into halves the same way every time', () => {
    const advice = syntheticAdvice();
    expect(advice).toHaveLength(1_200);
    const training = advice.filter(isTrainingExample).length;
    expect(training).toBeGreaterThan(500);
    expect(training).toBeLessThan(700);
    expect(advice.filter(isTrainingExample)).toEqual(syntheticAdvice().filter(isTrainingExample));
  });

  it('writes contrast sentences on both sides of the same verbs', () => {
    const { harmful, benign } = syntheticContrasts();
    expect(harmful.length).toBeGreaterThan(200);
    expect(benign.length).toBeGreaterThan(150);
    expect(harmful.some((text) => /\bkill\b/.test(text))).toBe(true);
    expect(benign.some((text) => /\bkill\b/.test(text))).toBe(true);
    expect(new Set([...harmful, ...benign]).size).toBe(harmful.length + benign.length);
  });

  it('writes everyday questions off the medical topic, none with a harmful-sounding word', () => {
    const everyday = syntheticEveryday();
    expect(everyday.length).toBeGreaterThan(400);
    expect(new Set(everyday).size).toBe(everyday.length);
    // Whole sentences, every slot filled.
    expect(everyday.every((text) => /^[A-Z].*[?.]$/.test(text) && !/[{}]/.test(text))).toBe(true);
    const harmWords =
      /\b(kill|murder|poison|bomb|shoot|stab|steal|hack|weapon|drug|overdose|suicide|attack)/i;
    expect(everyday.filter((text) => harmWords.test(text))).toEqual([]);
  });
});

describe('where the training code lives', () => {
  it('is never imported by the running service (only by the trainer, the benchmarks and tests)', async () => {
    const src = new URL('../../', import.meta.url);
    const files = (await readdir(src, { recursive: true })).filter(
      (file) =>
        file.endsWith('.ts') &&
        !file.endsWith('.test.ts') &&
        !file.startsWith('training/') &&
        !file.startsWith('bench/'),
    );
    expect(files.length).toBeGreaterThan(20);
    const importers: string[] = [];
    for (const file of files)
      if (/from '[./]*\/training\//.test(await readFile(new URL(file, src), 'utf8'))) importers.push(file);
    expect(importers).toEqual([]);
  });
});

describe('the project sentences the rail learns from and the ones that measure it', () => {
  it('writes plain instructions and wraps goals in every training wrapper', () => {
    const instructions = syntheticInstructions();
    expect(instructions.length).toBeGreaterThan(300);
    expect(new Set(instructions).size).toBe(instructions.length);
    expect(instructions.every((text) => /^[A-Z][^{}]*\.$/.test(text))).toBe(true);
    const goals = harmlessGoals();
    expect(goals.every((goal) => /^[a-z]/.test(goal) && !goal.endsWith('.'))).toBe(true);
    const texts = wrapped(goals.slice(0, 2));
    expect(texts).toHaveLength(2 * TRAINING_WRAPPERS.length);
    expect(texts.filter((text) => text.includes(goals[0]!))).toHaveLength(TRAINING_WRAPPERS.length);
  });

  it('keeps the held-out sets apart: no held-out text, goal or wrapper is trained on', async () => {
    const training = new Set([
      ...syntheticInstructions(),
      ...syntheticEveryday(),
      ...syntheticAdvice(),
      ...harmlessGoals(),
      ...wrapped(harmlessGoals()),
    ]);
    expect(BENIGN_INSTRUCTIONS.filter((text) => training.has(text))).toEqual([]);
    expect(HARMLESS_GOALS.filter((goal) => training.has(goal) || harmlessGoals().includes(goal))).toEqual([]);
    // A wrapper is its fixed wording: compare them with an empty goal.
    const heldOut = new Set(HELD_OUT_WRAPPERS.map((wrapper) => wrapper('')));
    expect(TRAINING_WRAPPERS.map((wrapper) => wrapper('')).filter((text) => heldOut.has(text))).toEqual([]);
    // The public sets the trainer takes are named; none of the held-out ones is among them, and the
    // trainer reads the held-out folder in no other way.
    expect([...TRAINING_SETS].filter((name) => /held out/i.test(name))).toEqual([]);
    const trainer = await readFile(new URL('./train.ts', import.meta.url), 'utf8');
    expect(trainer).not.toMatch(/bench\/held-out/);
    expect(trainer).toMatch(/synthetic-wrappers/);
  });
});
