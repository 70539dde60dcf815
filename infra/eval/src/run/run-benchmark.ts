// One dataset × strategy cell: the selected items, each answered once per model (answers cached by
// the model's digest, so an interrupted run resumes and a new model starts afresh), a few at a time.
import { relative } from 'node:path';
import { type AnswerCache, type CachedAnswer, openAnswerCache, runKeyOf } from '../cache/answer-cache.js';
import { type McqItem, type PaperFigures, selectItems } from '../datasets/dataset.js';
import type { ExampleRanker } from '../knn/example-ranker.js';
import type { BenchmarkResult, EvalStrategy } from '../report/report.js';
import { proportion } from '../stats/proportion.js';
import { type AskSettings, askItem } from './ask-item.js';
import type { InferenceConnection } from './inference-connection.js';

export interface BenchmarkDataset {
  name: string;
  /** Every item of the test files; `limit` picks from them. */
  items: readonly McqItem[];
  /** The test files (absolute), shown relative to the data folder. */
  testFiles: readonly string[];
  dataDir: string;
  paper?: PaperFigures | undefined;
}

/** Where medprompt's few-shot examples come from. */
export interface ExampleSource {
  ranker: ExampleRanker;
  /** The example files, as shown in the report. */
  store: string;
}

export interface BenchmarkSettings extends Omit<AskSettings, 'strategy'> {
  /** Few-shot examples per question for medprompt. */
  fewShot: number;
  limit?: number | undefined;
  concurrency: number;
}

export interface BenchmarkProgress {
  dataset: string;
  strategy: EvalStrategy;
  /** Items finished (from the cache or asked now), of `total`. */
  done: number;
  total: number;
  fromCache: number;
  failed: number;
}

export interface ItemFailure {
  itemId: string;
  error: string;
}

export interface BenchmarkOutcome {
  result: BenchmarkResult;
  /** Items whose call failed: not counted, not cached, so a rerun asks them again. */
  failures: ItemFailure[];
  fromCache: number;
  asked: number;
}

/** After this many failures in a row the service is not answering: stop the cell rather than wait on every item. */
const MAX_CONSECUTIVE_FAILURES = 5;

export async function runBenchmark(options: {
  connection: InferenceConnection;
  dataset: BenchmarkDataset;
  strategy: EvalStrategy;
  settings: BenchmarkSettings;
  cache: { dir: string; modelSha256: string };
  /** Required by medprompt. */
  examples?: ExampleSource | undefined;
  onProgress?: (progress: BenchmarkProgress) => void;
}): Promise<BenchmarkOutcome> {
  const { connection, dataset, strategy, settings } = options;
  const medprompt = strategy === 'medprompt';
  if (medprompt && !options.examples) throw new Error(`medprompt on ${dataset.name} needs an example store`);
  const voting = strategy !== 'direct' && strategy !== 'chain-of-thought';
  const fewShot = medprompt ? settings.fewShot : 0;
  const samples = voting ? settings.samples : 1;

  const items = selectItems(dataset.items, settings.limit, settings.seed);
  // Everything that changes an answer keys the cache; deadlines and concurrency do not.
  const cache = await openAnswerCache({
    dir: options.cache.dir,
    modelSha256: options.cache.modelSha256,
    runKey: runKeyOf({
      dataset: dataset.name,
      strategy,
      samples,
      fewShot,
      seed: settings.seed,
      maxTokens: settings.maxTokens,
      parseRetries: settings.parseRetries,
      retrieval: medprompt ? (options.examples?.ranker.method ?? null) : null,
    }),
  });

  const askSettings: AskSettings = { ...settings, strategy, samples };
  const nearest = medprompt
    ? (item: McqItem) => options.examples!.ranker.nearest(item.question, fewShot)
    : async () => [];
  let answered: Awaited<ReturnType<typeof answerItems>>;
  try {
    answered = await answerItems(
      items,
      cache,
      (item) => nearest(item).then((examples) => askItem(connection, item, askSettings, examples)),
      settings.concurrency,
      (progress) => options.onProgress?.({ dataset: dataset.name, strategy, ...progress }),
    );
  } finally {
    await cache.close();
  }
  const { answers, failures, fromCache } = answered;
  if (failures.stoppedEarly)
    throw new Error(
      `${dataset.name} × ${strategy}: stopped after ${MAX_CONSECUTIVE_FAILURES} failed items in a row (answers so far are cached; rerun to continue). Last error: ${failures.list.at(-1)?.error}`,
    );

  const mean = (value: (answer: CachedAnswer) => number) =>
    answers.length === 0 ? 0 : answers.reduce((sum, answer) => sum + value(answer), 0) / answers.length;
  const result: BenchmarkResult = {
    dataset: dataset.name,
    file: dataset.testFiles.map((file) => shownPath(file, dataset.dataDir)).join(', '),
    strategy,
    samples,
    fewShot,
    items: answers.length,
    accuracy: proportion(answers.filter((answer) => answer.correct).length, answers.length),
    parseFailures: proportion(answers.filter((answer) => answer.answer === undefined).length, answers.length),
    promptTokensPerItem: mean((answer) => answer.promptTokens),
    completionTokensPerItem: mean((answer) => answer.completionTokens),
    wallMsPerItem: mean((answer) => answer.wallMs),
    ...(dataset.paper ? { paper: { ...dataset.paper } } : {}),
    ...(medprompt && options.examples
      ? {
          retrieval: {
            method: options.examples.ranker.method,
            store: options.examples.store,
            storeItems: options.examples.ranker.storeItems,
            examplesPerItem: mean((answer) => answer.fewShotUsed ?? fewShot),
          },
        }
      : {}),
  };
  return { result, failures: failures.list, fromCache, asked: items.length - fromCache };
}

/**
 * Every item's answer, from the cache or asked now (`concurrency` at a time, each cached as it arrives),
 * in item order. A failed item is listed, not answered; after too many failures in a row no new item starts.
 */
async function answerItems(
  items: readonly McqItem[],
  cache: AnswerCache,
  ask: (item: McqItem) => Promise<CachedAnswer>,
  concurrency: number,
  onProgress: (progress: Omit<BenchmarkProgress, 'dataset' | 'strategy'>) => void,
): Promise<{
  answers: CachedAnswer[];
  fromCache: number;
  failures: { list: ItemFailure[]; stoppedEarly: boolean };
}> {
  const answers = new Map<string, CachedAnswer>();
  const pending: McqItem[] = [];
  for (const item of items) {
    const cached = cache.get(item.id);
    if (cached) answers.set(item.id, cached);
    else pending.push(item);
  }
  const fromCache = answers.size;
  const failures: ItemFailure[] = [];
  let consecutiveFailures = 0;
  const report = () =>
    onProgress({
      done: answers.size + failures.length,
      total: items.length,
      fromCache,
      failed: failures.length,
    });
  report();

  let next = 0;
  const worker = async () => {
    while (next < pending.length && consecutiveFailures < MAX_CONSECUTIVE_FAILURES) {
      const item = pending[next++]!;
      try {
        const answer = await ask(item);
        await cache.put(item.id, answer);
        answers.set(item.id, answer);
        consecutiveFailures = 0;
      } catch (error) {
        failures.push({ itemId: item.id, error: (error as Error).message });
        consecutiveFailures++;
      }
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return {
    answers: items.flatMap((item) => answers.get(item.id) ?? []),
    fromCache,
    failures: { list: failures, stoppedEarly: consecutiveFailures >= MAX_CONSECUTIVE_FAILURES },
  };
}

/** A file inside the data folder by its path there; any other by its own path. */
export function shownPath(file: string, dataDir: string): string {
  const inside = relative(dataDir, file);
  return inside.startsWith('..') || inside === '' ? file : inside;
}
