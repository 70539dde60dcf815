// The root bench's summary: one row per headline figure, with its target and where it comes from,
// printed as a Markdown table so it can go into the README as it is.
import type { Machine } from './machine.js';
import type { PipelineFigures } from './pipeline/measure-pipeline.js';
import type { FhirAdapterFigures, GuardrailsFigures, InferenceFigures } from './service-figures.js';

export interface SummaryRow {
  measure: string;
  figure: string;
  target: string;
  /** How it was measured (which bench, how many samples). */
  how: string;
}

const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const met = (ok: boolean) => (ok ? 'met' : '**not met**');

export function summaryRows(figures: {
  pipeline: PipelineFigures;
  fhirAdapter: FhirAdapterFigures;
  guardrails: GuardrailsFigures;
  inference: InferenceFigures;
}): SummaryRow[] {
  const { pipeline, fhirAdapter, guardrails, inference } = figures;
  const { latency, throughput } = pipeline;
  const stages = latency.stagesP50Ms;
  const hook = (row: FhirAdapterFigures['orderSign']) => `p50 ${ms(row.p50Ms)}, p95 ${ms(row.p95Ms)}`;
  const hookHow = (row: FhirAdapterFigures['orderSign']) =>
    `fhir-adapter bench, ${row.concurrency} concurrent, ${row.requests} calls, ES384 JWTs`;
  const rows: SummaryRow[] = [
    {
      measure: 'pipeline overhead per patient, model time excluded',
      figure: `p50 ${ms(latency.overheadMs.p50)}, p95 ${ms(latency.overheadMs.p95)}`,
      target: `p50 ≤ 20 ms: ${met(latency.overheadMs.p50 <= 20)}`,
      how:
        `${latency.patients} patients one at a time (after ${latency.warmupPatients} warm-up); p50 by stage: ` +
        `analyze + chart read + produce ${ms(stages.capture)}, guardrails' own work ${ms(stages.guardrailsWork)}, ` +
        `Kafka hops + audit append ${ms(stages.transportAndAudit)}, write-back ${ms(stages.writeBack)}`,
    },
    {
      measure: 'end to end per patient (analyze → written in the EHR)',
      figure: `p50 ${ms(latency.endToEndMs.p50)}, p95 ${ms(latency.endToEndMs.p95)}`,
      target: '—',
      how: `same patients; the test model's time p50 ${ms(latency.modelMs.p50)}`,
    },
    {
      measure: 'patients per minute end to end, test model',
      figure: `${throughput.patientsPerMinute.toFixed(1)}`,
      target: '—',
      how: `${throughput.patients} patients asked for at once, first request to last write-back ${throughput.wallSeconds.toFixed(1)} s`,
    },
    {
      measure: 'CDS Hooks patient-view, cached AI set + rules',
      figure: hook(fhirAdapter.patientView),
      target: `p95 ≤ 50 ms: ${met(fhirAdapter.patientView.p95Ms <= 50)}`,
      how: `${hookHow(fhirAdapter.patientView)}, in-memory card store`,
    },
    {
      measure: 'CDS Hooks order-sign, knowledge rules',
      figure: hook(fhirAdapter.orderSign),
      target: `p95 ≤ 50 ms: ${met(fhirAdapter.orderSign.p95Ms <= 50)}`,
      how: `${hookHow(fhirAdapter.orderSign)}, full prefetch`,
    },
    {
      measure: `rails per set of ${guardrails.rails.suggestionsPerSet} suggestions`,
      figure: `p50 ${ms(guardrails.rails.p50Ms)}, p99 ${ms(guardrails.rails.p99Ms)}`,
      target: `p99 ≤ 5 ms: ${met(guardrails.rails.p99Ms <= 5)}`,
      how: `guardrails bench, ${guardrails.rails.runs} sets, context of ${guardrails.rails.contextItems} items`,
    },
    ...guardrails.audit.map((row) => ({
      measure: `audit appends, ${row.database}`,
      figure: `${row.appendsPerSecond.toFixed(0)}/s`,
      target: '—',
      how: `guardrails bench, ${row.rows} rows one after another; chain ${row.chainOk ? 'verified' : 'BROKEN'}`,
    })),
    ...Object.entries(inference.results).map(([model, row]) => ({
      measure: `inference gRPC / direct node-llama-cpp, ${model} model (${(row.modelBytes / 1e6).toFixed(1)} MB)`,
      figure: `median ${percent(row.grpcToDirect.median)} (IQR ${percent(row.grpcToDirect.p25)}–${percent(row.grpcToDirect.p75)}, min–max ${percent(row.grpcToDirect.min)}–${percent(row.grpcToDirect.max)})`,
      target: `≥ 98%: ${met(row.grpcToDirect.median >= 0.98)}${row.grpcToDirect.min < 0.98 && row.grpcToDirect.median >= 0.98 ? ' (median; not every round)' : ''}`,
      how: `inference bench, ${row.grpcToDirect.rounds.length} interleaved rounds (direct, gRPC, …); direct ${row.direct.tokensPerSecond.toFixed(1)} tok/s`,
    })),
  ];
  return rows;
}

/** The machine as the table's caption: CPU, cores, Node, date and how busy the machine was. */
export function machineLine(machine: Machine, measuredAt: Date): string {
  return (
    `${measuredAt.toISOString().slice(0, 10)} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
    `Node ${machine.node} (${machine.os}); 1-min load average ${machine.loadAverageAtStart} at the start`
  );
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function markdownTable(rows: readonly SummaryRow[]): string {
  const lines = [
    '| measure | figure | target | how |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${[row.measure, row.figure, row.target, row.how].map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}
