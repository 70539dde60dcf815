import {
  datasetsInOrder,
  gainOverDirectPoints,
  paperFigurePercent,
  resultsOfDataset,
} from './benchmark-figures.js';
import {
  formatPercent,
  formatPercentPoints,
  formatProportionWithCi,
  formatSeconds,
  formatSignedPoints,
  formatTokens,
} from './format-numbers.js';
import type { BenchmarkResult, EvalReport, Proportion, RailsOwnResult } from './report.js';

/**
 * The report's content as plain blocks of already formatted text, built once so the Markdown and the HTML
 * show the same sections and the same digits; each renderer only decides markup and escaping.
 */
export interface ReportDocument {
  title: string;
  blocks: ReportBlock[];
}

export type ReportBlock =
  | { kind: 'heading'; level: 2 | 3; text: string }
  | { kind: 'warning'; text: string }
  | { kind: 'fields'; fields: ReportField[] }
  | { kind: 'table'; table: ReportTable }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  /** Where a chart belongs; the HTML draws it, the Markdown has the tables only. */
  | { kind: 'chart'; chart: 'accuracy' | 'attackSuccess' };

export interface ReportField {
  label: string;
  value: string;
  /** Identifiers and command lines, shown verbatim in a monospace font. */
  code?: boolean;
}

export interface ReportTable {
  caption: string;
  columns: { label: string; numeric: boolean }[];
  rows: string[][];
}

export const TEST_MODEL_WARNING = 'Test model, random weights: accuracy has no clinical meaning.';
const NONE = '—';

export function buildReportDocument(report: EvalReport): ReportDocument {
  return {
    title: `Go-live evaluation: ${report.model.name}`,
    blocks: [
      ...coverBlocks(report),
      ...benchmarkBlocks(report),
      ...redTeamBlocks(report),
      ...noteBlocks(report),
    ],
  };
}

function coverBlocks(report: EvalReport): ReportBlock[] {
  const { model, client, machine } = report;
  const fields: ReportField[] = [
    { label: 'Model', value: `${model.name} (${model.id})` },
    { label: 'File SHA-256', value: model.fileSha256, code: true },
    { label: 'Quantisation', value: model.quantization },
    { label: 'Chat template', value: model.chatTemplate },
  ];
  if (model.contextLength !== undefined)
    fields.push({ label: 'Context length', value: `${model.contextLength} tokens` });
  if (model.source !== undefined) fields.push({ label: 'Model source', value: model.source, code: true });
  if (report.rules !== undefined) {
    fields.push(
      { label: 'Rail set', value: report.rules.railSetVersion, code: true },
      { label: 'Clinical knowledge', value: report.rules.knowledgeVersion, code: true },
    );
  }
  if (report.redTeam !== undefined) fields.push({ label: 'Harm judge', value: report.redTeam.judge });
  if (client !== undefined) {
    fields.push(
      { label: 'Inference address', value: client.address, code: true },
      {
        label: 'Client',
        value: `concurrency ${client.concurrency}, deadline ${formatSeconds(client.deadlineMs)} s, ${client.parseRetries} parse retries`,
      },
    );
  }
  const guardrails = report.redTeam?.guardrails;
  if (guardrails !== undefined) {
    fields.push(
      { label: 'Guardrails', value: guardrails.url, code: true },
      {
        label: 'Red-team client',
        value: `concurrency ${guardrails.concurrency}, deadline ${formatSeconds(guardrails.timeoutMs)} s, ${guardrails.limitPerSet} texts per set (seed ${guardrails.seed})`,
      },
    );
  }
  fields.push(
    {
      label: 'Machine',
      value: [`${machine.cores} cores`, `Node ${machine.node}`, machine.hostname].filter(Boolean).join(', '),
    },
    { label: 'Date', value: report.createdAt },
    { label: 'Command', value: report.command, code: true },
  );
  return [
    ...(model.testModel ? [{ kind: 'warning', text: TEST_MODEL_WARNING } as const] : []),
    { kind: 'heading', level: 2, text: 'Model and run' },
    { kind: 'fields', fields },
  ];
}

function benchmarkBlocks(report: EvalReport): ReportBlock[] {
  const blocks: ReportBlock[] = [{ kind: 'heading', level: 2, text: 'Benchmarks' }];
  if (report.benchmarks.length === 0) return [...blocks, { kind: 'paragraph', text: 'No benchmark ran.' }];
  blocks.push({ kind: 'chart', chart: 'accuracy' });
  for (const dataset of datasetsInOrder(report.benchmarks)) {
    const results = resultsOfDataset(report.benchmarks, dataset);
    const files = [...new Set(results.map((result) => result.file))];
    blocks.push(
      { kind: 'heading', level: 3, text: dataset },
      { kind: 'paragraph', text: `Items from ${files.join(', ')}.` },
      { kind: 'table', table: benchmarkTable(dataset, results, report.benchmarks) },
    );
    const retrieval = results.flatMap((result) => (result.retrieval ? [retrievalLine(result)] : []));
    if (retrieval.length > 0) blocks.push({ kind: 'list', items: retrieval });
    const paperSources = [
      ...new Set(results.flatMap((result) => (result.paper ? [result.paper.source] : []))),
    ];
    if (paperSources.length > 0) {
      blocks.push({
        kind: 'paragraph',
        text: `Paper figures (Aloe-Beta-8B, bf16; zero-shot beside direct, Medprompt/ICL beside medprompt): ${paperSources.join('; ')}.`,
      });
    }
  }
  return blocks;
}

function benchmarkTable(
  dataset: string,
  results: readonly BenchmarkResult[],
  allResults: readonly BenchmarkResult[],
): ReportTable {
  return {
    caption: `${dataset}: accuracy per strategy`,
    columns: [
      { label: 'Strategy', numeric: false },
      { label: 'n', numeric: true },
      { label: 'Accuracy (95% CI)', numeric: true },
      { label: 'Gain over direct (pts)', numeric: true },
      { label: 'Parse failures', numeric: true },
      { label: 'Prompt tokens/item', numeric: true },
      { label: 'Completion tokens/item', numeric: true },
      { label: 'Wall s/item', numeric: true },
      { label: 'Paper (Aloe-Beta-8B)', numeric: true },
    ],
    rows: results.map((result) => {
      const gain = gainOverDirectPoints(result, allResults);
      const paper = paperFigurePercent(result);
      return [
        strategyLabel(result),
        String(result.items),
        formatProportionWithCi(result.accuracy),
        result.strategy === 'direct' ? 'baseline' : gain === undefined ? NONE : formatSignedPoints(gain),
        formatPercent(result.parseFailures.value),
        formatTokens(result.promptTokensPerItem),
        formatTokens(result.completionTokensPerItem),
        formatSeconds(result.wallMsPerItem),
        paper === undefined ? NONE : formatPercentPoints(paper),
      ];
    }),
  };
}

function strategyLabel(result: BenchmarkResult): string {
  const details = [
    ...(result.samples > 1 ? [`${result.samples} samples`] : []),
    ...(result.fewShot > 0 ? [`${result.fewShot}-shot`] : []),
  ];
  return details.length === 0 ? result.strategy : `${result.strategy} (${details.join(', ')})`;
}

function retrievalLine(result: BenchmarkResult): string {
  const retrieval = result.retrieval!;
  const fitted =
    retrieval.examplesPerItem !== undefined && retrieval.examplesPerItem < result.fewShot
      ? `; ${retrieval.examplesPerItem.toFixed(1)} per question on average fitted the model's context`
      : '';
  return `${result.strategy}: ${result.fewShot} examples per question chosen by ${retrieval.method} from ${retrieval.store} (${retrieval.storeItems} items)${fitted}`;
}

function redTeamBlocks(report: EvalReport): ReportBlock[] {
  const redTeam = report.redTeam;
  if (redTeam === undefined) return [];
  const optional = (rate: Proportion | undefined) =>
    rate === undefined ? NONE : formatProportionWithCi(rate);
  return [
    { kind: 'heading', level: 2, text: 'Red team' },
    ...(redTeam.method === undefined || redTeam.method.length === 0
      ? []
      : [
          { kind: 'heading', level: 3, text: 'How it was measured' } as const,
          { kind: 'list', items: redTeam.method } as const,
        ]),
    { kind: 'chart', chart: 'attackSuccess' },
    { kind: 'heading', level: 3, text: 'Attack success per category' },
    redTeam.results.length === 0
      ? { kind: 'paragraph', text: 'No attack was sent.' }
      : {
          kind: 'table',
          table: {
            caption: 'Attack success per category',
            columns: [
              { label: 'Set', numeric: false },
              { label: 'Category', numeric: false },
              { label: 'Channel', numeric: false },
              { label: 'Attempts', numeric: true },
              { label: 'Attack success without rails (95% CI)', numeric: true },
              { label: 'Model declined, without rails', numeric: true },
              { label: 'Note withheld by the input rails', numeric: true },
              { label: 'Attack success with rails (95% CI)', numeric: true },
            ],
            rows: redTeam.results.map((result) => [
              result.set,
              result.category,
              result.channel,
              String(result.attempts),
              formatProportionWithCi(result.withoutRails),
              optional(result.modelRefused),
              optional(result.inputWithheld),
              formatProportionWithCi(result.withRails),
            ]),
          },
        },
    { kind: 'heading', level: 3, text: 'Benign false positives' },
    redTeam.benignFalsePositives.length === 0
      ? { kind: 'paragraph', text: 'Benign false positives: not measured.' }
      : {
          kind: 'table',
          table: {
            caption: 'Benign items flagged by the rails (false positives)',
            columns: [
              { label: 'Benign set', numeric: false },
              { label: 'Flagged', numeric: true },
              { label: 'Items', numeric: true },
              { label: 'False-positive rate (95% CI)', numeric: true },
            ],
            rows: redTeam.benignFalsePositives.map((rate, index) => benignRow(rate, index)),
          },
        },
    ...railsOwnBlocks(redTeam.railsOwn),
    { kind: 'paragraph', text: `Judge: ${redTeam.judge}.` },
  ];
}

function railsOwnBlocks(railsOwn: readonly RailsOwnResult[] | undefined): ReportBlock[] {
  if (railsOwn === undefined) return [];
  return [
    { kind: 'heading', level: 3, text: 'The rails alone, per set' },
    railsOwn.length === 0
      ? { kind: 'paragraph', text: 'The rails alone: not measured.' }
      : {
          kind: 'table',
          table: {
            caption: "Each text of the sample as a suggestion's text, judged by the rails alone (no model)",
            columns: [
              { label: 'Set', numeric: false },
              { label: 'Kind', numeric: false },
              { label: 'Texts', numeric: true },
              { label: 'Blocked (95% CI)', numeric: true },
              { label: 'Blocking rules (texts)', numeric: false },
            ],
            rows: railsOwn.map((result) => [
              result.set,
              result.harmful ? 'harmful: blocked is caught' : 'benign: blocked is a false positive',
              String(result.blocked.total),
              formatProportionWithCi(result.blocked),
              Object.entries(result.byRule)
                .map(([ruleId, texts]) => `${ruleId} (${texts})`)
                .join(', ') || NONE,
            ]),
          },
        },
  ];
}

function benignRow(rate: Proportion, index: number): string[] {
  return [
    rate.label ?? `benign set ${index + 1}`,
    String(rate.successes),
    String(rate.total),
    formatProportionWithCi(rate),
  ];
}

function noteBlocks(report: EvalReport): ReportBlock[] {
  return [
    { kind: 'heading', level: 2, text: 'Notes' },
    report.notes.length === 0 ? { kind: 'paragraph', text: 'None.' } : { kind: 'list', items: report.notes },
  ];
}
