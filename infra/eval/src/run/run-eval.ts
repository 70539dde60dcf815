// The go-live validation: every dataset × strategy through the running inference service, the red team
// through the deployed guardrails, then the report (JSON, Markdown, HTML) written to the output folder
// and, after a red team, its hashes recorded in the guardrails' audit log.
import { availableParallelism, hostname } from 'node:os';
import type { ModelInfo__Output as ModelInfo } from '@aloe/shared/grpc';
import { loadItems, type McqItem, type ResolvedDataset, resolveDataset } from '../datasets/dataset.js';
import { createBm25Ranker } from '../knn/bm25-ranker.js';
import { createGuardrailsClient } from '../redteam/guardrails-client.js';
import { type RecordedEvidence, recordReportEvidence } from '../redteam/record-evidence.js';
import { type RedTeamOutcome, type RedTeamProgress, runRedTeam } from '../redteam/run-red-team.js';
import type { BenchmarkResult, EvalReport, EvalStrategy } from '../report/report.js';
import { writeReport } from '../report/write-report.js';
import { connectInference, type InferenceConnection } from './inference-connection.js';
import { type BenchmarkProgress, type ExampleSource, runBenchmark, shownPath } from './run-benchmark.js';

export interface EvalOptions {
  /** Registry names or paths of JSON files in prompt_engine's schema. */
  datasets: readonly string[];
  /** Replaces the example split of every dataset (needed by medprompt on a bare file). */
  examplesFile?: string | undefined;
  strategies: readonly EvalStrategy[];
  samples: number;
  fewShot: number;
  limit?: number | undefined;
  seed: number;
  concurrency: number;
  deadlineMs: number;
  parseRetries: number;
  maxTokens: number;
  /** host:port of the running inference service (needed when a dataset is given). */
  address?: string | undefined;
  tlsCaFile?: string | undefined;
  dataDir: string;
  outDir: string;
  cacheDir: string;
  /** The command line, for the report's cover. */
  command: string;
  onProgress?: ((progress: BenchmarkProgress) => void) | undefined;
  /** The red team through the deployed guardrails, when asked for. */
  redTeam?: RedTeamSettings | undefined;
  onRedTeamProgress?: ((progress: RedTeamProgress) => void) | undefined;
}

export interface RedTeamSettings {
  /** Base URL of the guardrails' HTTP API. */
  url: string;
  /** A compliance-role token. */
  token: string;
  /** Texts drawn from each set. */
  limitPerSet: number;
}

export interface EvalRun {
  report: EvalReport;
  files: Awaited<ReturnType<typeof writeReport>>;
  /** Generate calls this run sent (retries included); 0 when every answer came from the cache. */
  generateCalls: number;
  /** The report's row in the guardrails' audit log, when the red team ran. */
  evidence?: RecordedEvidence;
}

export const FEW_SHOT_NOTE =
  "Medprompt's few-shot examples show each retrieved question with its options and `Answer: [X]` with the gold letter, without reasoning: the example store (the datasets' validation/train splits) has no worked chain-of-thought solutions, unlike the papers' store of model-written solutions.";

export async function runEval(options: EvalOptions): Promise<EvalRun> {
  if (options.datasets.length === 0 && options.redTeam === undefined)
    throw new Error('Nothing to run: give a dataset, the red team, or both');
  if (options.datasets.length === 0) return evaluate(undefined, options);
  if (options.address === undefined) throw new Error('The benchmarks need the inference address');
  const connection = connectInference({ address: options.address, tlsCaFile: options.tlsCaFile });
  try {
    return await evaluate(connection, options);
  } finally {
    connection.close();
  }
}

async function evaluate(connection: InferenceConnection | undefined, options: EvalOptions): Promise<EvalRun> {
  const info = connection ? await connection.modelInfo() : undefined;
  if (info && !info.identity?.fileSha256)
    throw new Error(`The inference service at ${options.address} did not name its model's digest`);
  const notes: string[] = [];
  const benchmarks = connection && info ? await runBenchmarks(connection, info, options, notes) : [];

  const guardrails = options.redTeam
    ? createGuardrailsClient({
        url: options.redTeam.url,
        token: options.redTeam.token,
        timeoutMs: options.deadlineMs,
      })
    : undefined;
  let redTeam: RedTeamOutcome | undefined;
  if (guardrails && options.redTeam) {
    redTeam = await runRedTeam({
      guardrails,
      dataDir: options.dataDir,
      limitPerSet: options.redTeam.limitPerSet,
      seed: options.seed,
      concurrency: options.concurrency,
      timeoutMs: options.deadlineMs,
      onProgress: options.onRedTeamProgress,
    });
    notes.push(...redTeam.notes);
  }

  const model = reportModel(info, redTeam, notes);
  if (model.testModel)
    notes.push(
      "The model is the project's random-weight test model: its text has no meaning, so accuracy near chance (and many parse failures) is the expected result, and attack figures say nothing about a model; the run proves the pipeline, not a model.",
    );

  const report: EvalReport = {
    createdAt: new Date().toISOString(),
    command: options.command,
    model,
    ...(redTeam ? { rules: redTeam.rules } : {}),
    ...(connection && options.address
      ? {
          client: {
            address: options.address,
            concurrency: options.concurrency,
            deadlineMs: options.deadlineMs,
            parseRetries: options.parseRetries,
          },
        }
      : {}),
    machine: { cores: availableParallelism(), node: process.version, hostname: hostname() },
    benchmarks,
    ...(redTeam ? { redTeam: redTeam.section } : {}),
    notes,
  };
  const files = await writeReport(report, options.outDir);
  // Only a run that went through the guardrails has their audit log to record the report in.
  const evidence = guardrails ? await recordReportEvidence(guardrails, report, files) : undefined;
  return { report, files, generateCalls: connection?.generateCalls ?? 0, ...(evidence ? { evidence } : {}) };
}

/** Every dataset × strategy through the inference service. */
async function runBenchmarks(
  connection: InferenceConnection,
  info: ModelInfo,
  options: EvalOptions,
  notes: string[],
): Promise<BenchmarkResult[]> {
  const benchmarks: BenchmarkResult[] = [];
  const settings = {
    samples: options.samples,
    seed: options.seed,
    maxTokens: options.maxTokens,
    parseRetries: options.parseRetries,
    deadlineMs: options.deadlineMs,
    defaultTemperature: info.defaults?.temperature ?? undefined,
    fewShot: options.fewShot,
    limit: options.limit,
    concurrency: options.concurrency,
  };

  for (const name of new Set(options.datasets)) {
    const dataset = resolveDataset(name, options.dataDir, options.examplesFile);
    const loaded = await loadItems(dataset.testFiles);
    if (loaded.invalid.length > 0)
      notes.push(
        `${dataset.name}: ${loaded.invalid.length} record(s) skipped as invalid, e.g. ${loaded.invalid
          .slice(0, 3)
          .map((record) => `${record.id} (${record.reason})`)
          .join('; ')}.`,
      );
    const examples = options.strategies.includes('medprompt')
      ? await exampleSource(dataset, options, notes)
      : undefined;

    for (const strategy of options.strategies) {
      if (strategy === 'medprompt' && !examples) continue;
      const outcome = await runBenchmark({
        connection,
        dataset: { ...dataset, items: loaded.items, dataDir: options.dataDir },
        strategy,
        settings,
        cache: { dir: options.cacheDir, modelSha256: info.identity!.fileSha256 },
        examples,
        onProgress: options.onProgress,
      });
      benchmarks.push(outcome.result);
      if (outcome.failures.length > 0)
        notes.push(
          `${dataset.name} × ${strategy}: ${outcome.failures.length} item(s) failed and are not counted (rerun to ask them again), e.g. ${outcome.failures[0]!.itemId}: ${outcome.failures[0]!.error}`,
        );
    }
  }
  addGainsOverDirect(benchmarks);

  if (benchmarks.some((result) => result.strategy === 'medprompt')) {
    notes.push(FEW_SHOT_NOTE);
    notes.push(
      'Few-shot examples were ranked lexically (Okapi BM25 over the question stems), the last fallback of the recipe: the inference API offers no embeddings, and this tool does not load the guardrails’ sentence encoder.',
    );
  }
  return benchmarks;
}

/**
 * The cover's model: the inference service's own description when the benchmarks ran, else the one the
 * guardrails' answers named. When both are known and differ, the report says so: the red team measured
 * another model than the benchmarks.
 */
function reportModel(
  info: ModelInfo | undefined,
  redTeam: RedTeamOutcome | undefined,
  notes: string[],
): EvalReport['model'] {
  const served = redTeam?.model;
  const identity = info?.identity;
  if (identity) {
    if (served && served.fileSha256 !== identity.fileSha256)
      notes.push(
        `The red team went through the guardrails' model ${served.name} (${served.fileSha256}), not the model the benchmarks measured (${identity.fileSha256}).`,
      );
    return {
      id: identity.id,
      name: identity.name,
      fileSha256: identity.fileSha256,
      quantization: identity.quantization,
      chatTemplate: identity.chatTemplate,
      contextLength: info.contextSize || identity.contextLength,
      testModel: identity.testModel,
      source: identity.source,
    };
  }
  if (!served)
    throw new Error(
      'No answer of the guardrails named the model they serve (every model output was unreadable)',
    );
  return { ...served };
}

/** Medprompt's example store for a dataset, or undefined (with a note) when it has none. */
async function exampleSource(
  dataset: ResolvedDataset,
  options: EvalOptions,
  notes: string[],
): Promise<ExampleSource | undefined> {
  if (dataset.exampleFiles.length === 0) {
    notes.push(
      `${dataset.name}: medprompt skipped, there is no split to draw few-shot examples from (give one with --examples).`,
    );
    return undefined;
  }
  const loaded = await loadItems(dataset.exampleFiles);
  const examples: McqItem[] = loaded.items;
  if (examples.length === 0) {
    notes.push(`${dataset.name}: medprompt skipped, its example files hold no valid item.`);
    return undefined;
  }
  return {
    ranker: createBm25Ranker(examples),
    store: dataset.exampleFiles.map((file) => shownPath(file, options.dataDir)).join(', '),
  };
}

/** Each strategy's accuracy minus its dataset's direct accuracy, in points, where direct ran. */
export function addGainsOverDirect(benchmarks: BenchmarkResult[]): void {
  for (const result of benchmarks) {
    if (result.strategy === 'direct') continue;
    const direct = benchmarks.find(
      (other) => other.dataset === result.dataset && other.strategy === 'direct',
    );
    if (direct && direct.items > 0 && result.items > 0)
      result.gainOverDirectPoints =
        Math.round((result.accuracy.value - direct.accuracy.value) * 10_000) / 100;
  }
}
