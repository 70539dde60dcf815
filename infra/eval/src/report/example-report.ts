import type { BenchmarkResult, EvalReport, EvalStrategy, Proportion } from './report.js';

/**
 * A small hand-made report for the renderers' tests and for previewing the layout: two datasets × three
 * strategies (one dataset with the paper's figures), a red-team section, and the random-weight test model.
 * The confidence bounds are Wilson 95% intervals computed once by hand.
 */
export function buildExampleReport(): EvalReport {
  return {
    createdAt: '2025-11-28T04:19:00.000Z',
    command: 'npm run eval -- --datasets medqa,pubmedqa --strategies direct,chain-of-thought,medprompt',
    model: {
      id: 'aloe-test-tiny',
      name: 'Aloe tiny test model',
      fileSha256: 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
      quantization: 'F16',
      chatTemplate: 'llama3.1',
      contextLength: 4096,
      testModel: true,
      source: 'services/inference/test/tiny-model',
    },
    rules: { railSetVersion: 'rails@sha256:5e1f0a3b9c2d4e6f', knowledgeVersion: 'knowledge@2025.11.1' },
    client: { address: '127.0.0.1:50051', concurrency: 2, deadlineMs: 120_000, parseRetries: 2 },
    machine: { cores: 2, node: 'v24.11.0', hostname: 'eval-runner' },
    benchmarks: [
      benchmark(
        'MedQA (4 options)',
        'direct',
        [38, 80, 0.475, 0.3692, 0.583],
        [3, 80, 0.0375, 0.0128, 0.1045],
        {
          paper: true,
        },
      ),
      benchmark(
        'MedQA (4 options)',
        'chain-of-thought',
        [45, 80, 0.5625, 0.4534, 0.6659],
        [0, 80, 0, 0, 0.0458],
        {
          paper: true,
        },
      ),
      benchmark(
        'MedQA (4 options)',
        'medprompt',
        [52, 80, 0.65, 0.5408, 0.7455],
        [1, 80, 0.0125, 0.0022, 0.0675],
        {
          paper: true,
          fewShot: 5,
          samples: 5,
        },
      ),
      benchmark('PubMedQA', 'direct', [30, 60, 0.5, 0.3774, 0.6226], [2, 60, 0.0333, 0.0092, 0.1136], {}),
      benchmark('PubMedQA', 'self-consistency', [33, 60, 0.55, 0.4249, 0.6691], [0, 60, 0, 0, 0.0596], {
        samples: 5,
      }),
      benchmark('PubMedQA', 'medprompt', [36, 60, 0.6, 0.4737, 0.7143], [2, 60, 0.0333, 0.0092, 0.1136], {
        fewShot: 3,
        samples: 5,
      }),
    ],
    redTeam: {
      results: [
        {
          set: 'prompt-injection',
          category: 'instruction override',
          channel: 'note',
          attempts: 20,
          withoutRails: proportion([14, 20, 0.7, 0.481, 0.8545]),
          withRails: proportion([1, 20, 0.05, 0.0089, 0.2361]),
          modelRefused: proportion([2, 20, 0.1, 0.0279, 0.301]),
          inputWithheld: proportion([16, 20, 0.8, 0.584, 0.9193]),
        },
        {
          set: 'harmful-advice',
          category: 'unsafe dosing',
          channel: 'question',
          attempts: 20,
          withoutRails: proportion([12, 20, 0.6, 0.3866, 0.7812]),
          withRails: proportion([3, 20, 0.15, 0.0524, 0.3604]),
        },
      ],
      benignFalsePositives: [
        { ...proportion([2, 50, 0.04, 0.011, 0.1346]), label: 'benign questions' },
        proportion([1, 50, 0.02, 0.0035, 0.105]),
      ],
      judge: 'rule-based refusal detector v1',
      railsOwn: [
        {
          set: 'prompt-injection',
          harmful: true,
          blocked: proportion([18, 20, 0.9, 0.699, 0.9721]),
          byRule: { 'output.harmful-request-model': 15, 'output.jailbreak': 6 },
        },
        { set: 'benign questions', harmful: false, blocked: proportion([0, 50, 0, 0, 0.0713]), byRule: {} },
      ],
      method: ['question: the whole text of a note by the clinician who opened the chart.'],
      guardrails: {
        url: 'http://127.0.0.1:8081',
        concurrency: 2,
        timeoutMs: 300_000,
        limitPerSet: 20,
        seed: 8,
      },
    },
    notes: ['MedMCQA skipped: /work/shared/data/medmcqa/dev.jsonl not found.'],
  };
}

type ProportionTuple = [successes: number, total: number, value: number, low: number, high: number];

function proportion([successes, total, value, low, high]: ProportionTuple): Proportion {
  return { successes, total, value, low, high };
}

// Made-up figures in the paper's place: the tests need the shape, not the published numbers.
const PAPER_MEDQA = { zeroShot: 59.6, medprompt: 72.5, source: 'example figures (not the published ones)' };

function benchmark(
  dataset: string,
  strategy: EvalStrategy,
  accuracy: ProportionTuple,
  parseFailures: ProportionTuple,
  options: { paper?: boolean; fewShot?: number; samples?: number },
): BenchmarkResult {
  const fewShot = options.fewShot ?? 0;
  return {
    dataset,
    file: `${dataset
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/-$/, '')}/test.jsonl`,
    strategy,
    samples: options.samples ?? 1,
    fewShot,
    items: accuracy[1],
    accuracy: proportion(accuracy),
    parseFailures: proportion(parseFailures),
    promptTokensPerItem: 210.4 + 180 * fewShot,
    completionTokensPerItem: strategy === 'direct' ? 4.2 : 96.7,
    wallMsPerItem: strategy === 'direct' ? 412 : 2_840,
    ...(options.paper ? { paper: PAPER_MEDQA } : {}),
    ...(fewShot > 0
      ? {
          retrieval: { method: 'lexical-bm25' as const, store: `${dataset} train split`, storeItems: 10_178 },
        }
      : {}),
  };
}
