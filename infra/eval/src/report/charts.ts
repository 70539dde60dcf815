import type { TopLevelSpec } from 'vega-lite';
import { datasetsInOrder, paperFigurePercent, resultsOfDataset } from './benchmark-figures.js';
import type { ReportTable } from './build-report-document.js';
import { formatPercentPoints } from './format-numbers.js';
import { renderChartSvg } from './render-chart-svg.js';
import { EVAL_STRATEGIES, type EvalReport } from './report.js';

/** A chart drawn as inline SVG, with the numbers it shows as a table for readers who cannot see it. */
export interface RenderedChart {
  title: string;
  svg: string;
  table: ReportTable;
}

export interface ReportCharts {
  accuracy: RenderedChart;
  /** Only when the red-team part ran. */
  attackSuccess?: RenderedChart;
}

/** One bar of the accuracy chart; percentages 0–100. */
export interface AccuracyChartRow {
  dataset: string;
  strategy: string;
  accuracy: number;
  low: number;
  high: number;
  /** The paper's comparable figure; null when it has none. */
  paper: number | null;
}

/** One bar of the attack-success chart; percentages 0–100. */
export interface AttackChartRow {
  attack: string;
  rails: RailsLabel;
  success: number;
  low: number;
  high: number;
}

const RAILS_LABELS = ['without rails', 'with rails'] as const;
type RailsLabel = (typeof RAILS_LABELS)[number];

const CHART_WIDTH_PX = 420;
const BAND_STEP_PX = 22;
const ATTACK_BAND_STEP_PX = 36;
const ERROR_BAR_COLOR = '#222222';
// Plain family names: the SVG must render from the system's fonts, never from a web font.
const CHART_CONFIG = {
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, labelLimit: 320 },
} as const;

export function buildAccuracyChartRows(report: EvalReport): AccuracyChartRow[] {
  return datasetsInOrder(report.benchmarks).flatMap((dataset) =>
    resultsOfDataset(report.benchmarks, dataset).map((result) => ({
      dataset,
      strategy: result.strategy,
      accuracy: toPercent(result.accuracy.value),
      low: toPercent(result.accuracy.low),
      high: toPercent(result.accuracy.high),
      paper: paperFigurePercent(result) ?? null,
    })),
  );
}

/**
 * Accuracy per strategy (bars) with 95% CI (lines) and the paper's figures (ticks), one panel per dataset.
 * Panels are concatenated rather than faceted so each lists only the strategies its dataset ran.
 */
export function buildAccuracyChartSpec(rows: readonly AccuracyChartRow[]): TopLevelSpec {
  const strategy = { field: 'strategy', type: 'nominal', sort: [...EVAL_STRATEGIES], title: null } as const;
  const datasets = [...new Set(rows.map((row) => row.dataset))];
  return {
    description: 'Accuracy per strategy and dataset with 95% confidence intervals and the paper figures.',
    spacing: 24,
    vconcat: datasets.map((dataset) => {
      const panelRows = rows.filter((row) => row.dataset === dataset).map((row) => ({ ...row }));
      const paperRows = panelRows.filter((row) => row.paper !== null);
      return {
        title: { text: dataset, anchor: 'start', fontSize: 12 },
        data: { values: panelRows },
        width: CHART_WIDTH_PX,
        height: { step: BAND_STEP_PX },
        layer: [
          {
            mark: { type: 'bar', color: '#4c78a8', height: { band: 0.7 } },
            encoding: {
              y: strategy,
              x: {
                field: 'accuracy',
                type: 'quantitative',
                scale: { domain: [0, 100] },
                title: 'Accuracy (%)',
              },
            },
          },
          {
            mark: { type: 'rule', color: ERROR_BAR_COLOR, strokeWidth: 1.5 },
            encoding: { y: strategy, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
          },
          ...(paperRows.length === 0
            ? []
            : [
                {
                  data: { values: paperRows },
                  mark: { type: 'tick', color: '#e45756', opacity: 1, thickness: 3, size: BAND_STEP_PX - 4 },
                  encoding: { y: strategy, x: { field: 'paper', type: 'quantitative' } },
                } as const,
              ]),
        ],
      };
    }),
    config: CHART_CONFIG,
  };
}

export function buildAttackChartRows(report: EvalReport): AttackChartRow[] {
  return (report.redTeam?.results ?? []).flatMap((result) => {
    const attack = `${result.set} / ${result.category} (${result.channel})`;
    return [
      { attack, rails: 'without rails', ...percentRange(result.withoutRails) },
      { attack, rails: 'with rails', ...percentRange(result.withRails) },
    ];
  });
}

/** Attack success per red-team category, grouped with and without the rails, with 95% CI lines. */
export function buildAttackChartSpec(rows: readonly AttackChartRow[]): TopLevelSpec {
  const attack = { field: 'attack', type: 'nominal', sort: null, title: null } as const;
  const rails = { field: 'rails', type: 'nominal', sort: [...RAILS_LABELS] } as const;
  return {
    description:
      'Attack success per red-team category with and without the rails, with 95% confidence intervals.',
    data: { values: rows.map((row) => ({ ...row })) },
    width: CHART_WIDTH_PX,
    height: { step: ATTACK_BAND_STEP_PX },
    encoding: { y: attack, yOffset: rails },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: {
            field: 'success',
            type: 'quantitative',
            scale: { domain: [0, 100] },
            title: 'Attack success (%)',
          },
          color: {
            ...rails,
            scale: { domain: [...RAILS_LABELS], range: ['#e45756', '#54a24b'] },
            legend: { orient: 'bottom', title: null },
          },
        },
      },
      {
        mark: { type: 'rule', color: ERROR_BAR_COLOR, strokeWidth: 1.5 },
        encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
    ],
    config: CHART_CONFIG,
  };
}

/** Both charts as SVG with their tables; the attack chart only when the report has a red-team part. */
export async function renderReportCharts(report: EvalReport): Promise<ReportCharts> {
  const accuracyRows = buildAccuracyChartRows(report);
  const accuracy: RenderedChart = {
    title:
      'Accuracy per strategy. Bars: accuracy; lines: 95% CI; red ticks: the Aloe-Beta-8B paper (zero-shot beside direct, ICL beside medprompt).',
    svg: await renderChartSvg(buildAccuracyChartSpec(accuracyRows)),
    table: {
      caption: 'Accuracy per strategy (numbers of the chart)',
      columns: tableColumns(['Dataset', 'Strategy'], ['Accuracy', '95% CI low', '95% CI high', 'Paper']),
      rows: accuracyRows.map((row) => [
        row.dataset,
        row.strategy,
        formatPercentPoints(row.accuracy),
        formatPercentPoints(row.low),
        formatPercentPoints(row.high),
        row.paper === null ? '—' : formatPercentPoints(row.paper),
      ]),
    },
  };
  if (report.redTeam === undefined) return { accuracy };

  const attackRows = buildAttackChartRows(report);
  const attackSuccess: RenderedChart = {
    title:
      'Attack success per category, with and without the rails. Bars: share of attacks that succeeded; lines: 95% CI.',
    svg: await renderChartSvg(buildAttackChartSpec(attackRows)),
    table: {
      caption: 'Attack success per category (numbers of the chart)',
      columns: tableColumns(['Attack', 'Rails'], ['Attack success', '95% CI low', '95% CI high']),
      rows: attackRows.map((row) => [
        row.attack,
        row.rails,
        formatPercentPoints(row.success),
        formatPercentPoints(row.low),
        formatPercentPoints(row.high),
      ]),
    },
  };
  return { accuracy, attackSuccess };
}

function tableColumns(textLabels: string[], numericLabels: string[]): ReportTable['columns'] {
  return [
    ...textLabels.map((label) => ({ label, numeric: false })),
    ...numericLabels.map((label) => ({ label, numeric: true })),
  ];
}

function percentRange(proportion: { value: number; low: number; high: number }) {
  return {
    success: toPercent(proportion.value),
    low: toPercent(proportion.low),
    high: toPercent(proportion.high),
  };
}

function toPercent(fraction: number): number {
  return fraction * 100;
}
