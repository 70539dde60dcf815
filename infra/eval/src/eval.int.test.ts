// End to end: the benchmark run through the real inference service process (its generated random-weight
// test model) over gRPC, on the tiny hand-made fixture set. Answers are noise; the report must still be
// complete, a rerun must ask nothing, and a model with another digest must start afresh.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EVAL_STRATEGIES } from './report/report.js';
import type { BenchmarkProgress } from './run/run-benchmark.js';
import { type EvalOptions, type EvalRun, FEW_SHOT_NOTE, runEval } from './run/run-eval.js';
import { INFERENCE_MAIN, type InferenceProcess, startInferenceService } from './run/start-inference.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const MAKE_TEST_MODEL = fileURLToPath(
  new URL('../../../services/inference/dist/make-test-model-cli.js', import.meta.url),
);

/** Generate calls the service has answered, whatever their status, from its /metrics. */
async function generateRequests(service: InferenceProcess): Promise<number> {
  const text = await (await fetch(`http://${service.metricsAddress}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^aloe_inference_requests_total\{([^}]*)\} (\d+)$/gm))
    if (match[1]!.includes('method="Generate"')) total += Number(match[2]);
  return total;
}

const sha256Of = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('npm run eval, end to end on the test model', () => {
  let work: string;
  let first: InferenceProcess;
  const services: InferenceProcess[] = [];
  let options: EvalOptions;
  let firstRun: EvalRun;
  let firstCalls: number;

  beforeAll(async () => {
    if (!existsSync(INFERENCE_MAIN))
      throw new Error(
        `${INFERENCE_MAIN} is missing: build it (npx turbo run build --filter=@aloe/inference)`,
      );
    work = await mkdtemp(join(tmpdir(), 'aloe-eval-'));
    first = await startInferenceService({
      modelsDir: join(work, 'models-a'),
      env: { INFERENCE_PARALLEL_SEQUENCES: '2' },
      timeoutMs: 120_000,
    });
    services.push(first);
    options = {
      datasets: [join(FIXTURES, 'tiny-mcq_test.json')],
      examplesFile: join(FIXTURES, 'tiny-mcq_val.json'),
      strategies: [...EVAL_STRATEGIES],
      samples: 3,
      fewShot: 3,
      limit: 6,
      seed: 8,
      concurrency: 2,
      deadlineMs: 60_000,
      parseRetries: 2,
      maxTokens: 32,
      address: first.address,
      dataDir: FIXTURES,
      outDir: join(work, 'report-1'),
      cacheDir: join(work, 'cache'),
      command: 'npm run eval -- (test)',
    };
    const before = await generateRequests(first);
    firstRun = await runEval(options);
    firstCalls = (await generateRequests(first)) - before;
  }, 180_000);

  afterAll(async () => {
    for (const service of services) await service.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('writes a complete report: every strategy, accuracy inside its interval, tokens and time per item', async () => {
    const { report, files } = firstRun;
    expect(report.benchmarks.map((result) => result.strategy)).toEqual([...EVAL_STRATEGIES]);
    for (const result of report.benchmarks) {
      expect(result).toMatchObject({ dataset: 'tiny-mcq_test', file: 'tiny-mcq_test.json', items: 6 });
      expect(result.accuracy.total).toBe(6);
      expect(result.accuracy.value).toBeGreaterThanOrEqual(result.accuracy.low);
      expect(result.accuracy.value).toBeLessThanOrEqual(result.accuracy.high);
      expect(result.parseFailures.total).toBe(6);
      expect(result.promptTokensPerItem).toBeGreaterThan(0);
      expect(result.completionTokensPerItem).toBeGreaterThan(0);
      expect(result.wallMsPerItem).toBeGreaterThan(0);
      if (result.strategy !== 'direct') expect(result.gainOverDirectPoints).toEqual(expect.any(Number));
    }
    const byStrategy = Object.fromEntries(report.benchmarks.map((result) => [result.strategy, result]));
    expect(byStrategy.direct).toMatchObject({ samples: 1, fewShot: 0 });
    expect(byStrategy['self-consistency']).toMatchObject({ samples: 3, fewShot: 0 });
    expect(byStrategy.medprompt).toMatchObject({
      samples: 3,
      fewShot: 3,
      retrieval: { method: 'lexical-bm25', store: 'tiny-mcq_val.json', storeItems: 8 },
    });
    // The few-shot turns reached the model: medprompt's prompts are longer than the bare shuffled ensemble's.
    expect(byStrategy.medprompt!.promptTokensPerItem).toBeGreaterThan(
      byStrategy['choice-shuffle-ensemble']!.promptTokensPerItem,
    );
    expect(report.model).toMatchObject({
      testModel: true,
      fileSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(report.client).toEqual({
      address: first.address,
      concurrency: 2,
      deadlineMs: 60_000,
      parseRetries: 2,
    });
    expect(report.notes).toContain(FEW_SHOT_NOTE);

    expect(JSON.parse(await readFile(files.json, 'utf8'))).toEqual(report);
    for (const format of ['json', 'markdown', 'html'] as const)
      expect(await sha256Of(files[format])).toBe(files.sha256[format]);
    expect(await readFile(files.html, 'utf8')).toContain('<svg');
  });

  it('sent every Generate call over gRPC to the service: at least one per item and strategy', () => {
    expect(firstRun.generateCalls).toBe(firstCalls);
    expect(firstCalls).toBeGreaterThanOrEqual(6 * EVAL_STRATEGIES.length);
  });

  it('asks nothing again when rerun on the same model: every answer comes from the cache', async () => {
    const before = await generateRequests(first);
    const progress: BenchmarkProgress[] = [];
    const rerun = await runEval({
      ...options,
      outDir: join(work, 'report-2'),
      onProgress: (update) => progress.push(update),
    });
    expect((await generateRequests(first)) - before).toBe(0);
    expect(rerun.generateCalls).toBe(0);
    expect(progress.filter((update) => update.done === 6).map((update) => update.fromCache)).toEqual(
      EVAL_STRATEGIES.map(() => 6),
    );
    expect(rerun.report.benchmarks).toEqual(firstRun.report.benchmarks);
  });

  it('resumes a partial run: only the items not yet answered are asked', async () => {
    const resume = { ...options, strategies: ['direct' as const], cacheDir: join(work, 'cache-resume') };
    await runEval({ ...resume, limit: 3, outDir: join(work, 'report-partial') });
    const before = await generateRequests(first);
    const progress: BenchmarkProgress[] = [];
    const rest = await runEval({
      ...resume,
      outDir: join(work, 'report-rest'),
      onProgress: (p) => progress.push(p),
    });
    const asked = (await generateRequests(first)) - before;
    expect(progress[0]).toMatchObject({ done: 3, total: 6, fromCache: 3 });
    // Three items, each asked once plus at most its parse retries.
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(asked).toBeLessThanOrEqual(3 * (1 + options.parseRetries));
    expect(rest.report.benchmarks[0]!.items).toBe(6);
  });

  it("drops the least similar few-shot examples that do not fit the model's context, not the item", async () => {
    // Three examples of ~3,500 characters: the test model tokenizes a byte per token, so all three are
    // over its 8,192-token context and two fit.
    const long = (topic: string) =>
      `A case about the ${topic}. ${'The patient history is long and detailed. '.repeat(80)}Which organ is it?`;
    const store = Object.fromEntries(
      ['heart', 'lungs', 'kidneys'].map((topic, i) => [
        `long-${i}`,
        {
          id: `long-${i}`,
          question: long(topic),
          options: { A: 'Heart', B: 'Lungs', C: 'Kidneys' },
          correct_answer: 'A',
        },
      ]),
    );
    const examplesFile = join(work, 'long-examples.json');
    await writeFile(examplesFile, JSON.stringify(store));
    const run = await runEval({
      ...options,
      examplesFile,
      strategies: ['medprompt'],
      samples: 2,
      limit: 2,
      outDir: join(work, 'report-long'),
    });
    const [medprompt] = run.report.benchmarks;
    expect(medprompt!.items).toBe(2);
    expect(medprompt!.fewShot).toBe(3);
    expect(medprompt!.retrieval!.examplesPerItem).toBeLessThan(3);
    expect(medprompt!.retrieval!.examplesPerItem).toBeGreaterThanOrEqual(1);
  }, 150_000);

  it('does not reuse cached answers on a model with another digest', async () => {
    const modelPath = join(work, 'models-b', 'aloe-test-other-seed.gguf');
    await promisify(execFile)(process.execPath, [MAKE_TEST_MODEL, modelPath, '--seed', '7']);
    const other = await startInferenceService({
      modelsDir: join(work, 'models-b'),
      env: { ALOE_MODEL: modelPath, INFERENCE_PARALLEL_SEQUENCES: '2' },
      timeoutMs: 120_000,
    });
    services.push(other);
    const before = await generateRequests(other);
    const run = await runEval({ ...options, address: other.address, outDir: join(work, 'report-3') });
    const asked = (await generateRequests(other)) - before;

    expect(run.report.model.fileSha256).not.toBe(firstRun.report.model.fileSha256);
    expect(asked).toBe(run.generateCalls);
    expect(asked).toBeGreaterThanOrEqual(6 * EVAL_STRATEGIES.length);
    expect(run.report.benchmarks.map((result) => result.items)).toEqual(EVAL_STRATEGIES.map(() => 6));
    // Each model's answers live apart, under its own digest.
    expect((await readdir(options.cacheDir)).sort()).toEqual(
      [firstRun.report.model.fileSha256, run.report.model.fileSha256].sort(),
    );
  }, 150_000);
});
