import { type BenchmarkResult, EVAL_STRATEGIES } from './report.js';

// Figures derived from the benchmark rows, shared by the tables and the charts.

/**
 * The row's accuracy minus its dataset's `direct` accuracy, in points, computed from the rows shown so the
 * table can never disagree with itself; the runner's `gainOverDirectPoints` stands in when direct is absent.
 */
export function gainOverDirectPoints(
  result: BenchmarkResult,
  benchmarks: readonly BenchmarkResult[],
): number | undefined {
  const direct = benchmarks.find((other) => other.dataset === result.dataset && other.strategy === 'direct');
  if (direct === undefined) return result.gainOverDirectPoints;
  return (result.accuracy.value - direct.accuracy.value) * 100;
}

/** The paper's Aloe-Beta-8B figure comparable with this row: zero-shot beside direct, ICL beside medprompt. */
export function paperFigurePercent(result: BenchmarkResult): number | undefined {
  if (result.paper === undefined) return undefined;
  if (result.strategy === 'direct') return result.paper.zeroShot;
  if (result.strategy === 'medprompt') return result.paper.medprompt;
  return undefined;
}

/** The datasets in the order they first appear in the report. */
export function datasetsInOrder(benchmarks: readonly BenchmarkResult[]): string[] {
  return [...new Set(benchmarks.map((result) => result.dataset))];
}

/** One dataset's rows in the strategies' canonical order (direct first, medprompt last). */
export function resultsOfDataset(benchmarks: readonly BenchmarkResult[], dataset: string): BenchmarkResult[] {
  return benchmarks
    .filter((result) => result.dataset === dataset)
    .sort((a, b) => EVAL_STRATEGIES.indexOf(a.strategy) - EVAL_STRATEGIES.indexOf(b.strategy));
}
