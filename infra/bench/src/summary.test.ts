import { distribution } from '@aloe/shared/stats';
import { describe, expect, it } from '@jest/globals';
import type { PipelineFigures } from './pipeline/measure-pipeline.js';
import { machineLine, markdownTable, summaryRows } from './summary.js';

const hook = (p50Ms: number, p95Ms: number) => ({
  concurrency: 50,
  requests: 1_500,
  p50Ms,
  p95Ms,
  p99Ms: p95Ms + 5,
});
const pipeline = (overheads: number[]): PipelineFigures => ({
  definition: 'd',
  latency: {
    patients: overheads.length,
    warmupPatients: 2,
    overheadMs: distribution(overheads),
    endToEndMs: distribution(overheads.map((value) => value + 1_000)),
    modelMs: distribution([1_000]),
    stagesP50Ms: { capture: 5, guardrailsWork: 4, transportAndAudit: 3, writeBack: 2 },
    outcomes: { written: overheads.length },
  },
  throughput: {
    patients: 12,
    wallSeconds: 30,
    patientsPerMinute: 24,
    endToEndMs: distribution([1]),
    overheadMs: distribution([1]),
    outcomes: { written: 12 },
  },
  writeBackChecked: { sets: 12, found: 12 },
});
const services = {
  fhirAdapter: { measuredAt: 'x', orderSign: hook(40, 49), patientView: hook(45, 60) },
  guardrails: {
    measuredAt: 'x',
    rails: { suggestionsPerSet: 5, contextItems: 201, runs: 1_000, p50Ms: 2, p99Ms: 6 },
    audit: [{ database: 'PGlite (embedded)', rows: 500, appendsPerSecond: 301.4, chainOk: true }],
  },
  inference: {
    measuredAt: 'x',
    results: {
      tiny: {
        modelBytes: 103_744,
        direct: { tokensPerSecond: 1_000 },
        grpc: { tokensPerSecond: 990 },
        grpcToDirect: {
          median: 0.99,
          p25: 0.97,
          p75: 1.01,
          min: 0.94,
          max: 1.02,
          rounds: [0.94, 0.99, 1.02],
        },
      },
    },
  },
};

describe('summaryRows', () => {
  it('says for each headline figure whether its target is met, from the figures given', () => {
    const rows = summaryRows({ pipeline: pipeline([12, 18, 30]), ...services });
    const row = (start: string) => rows.find((candidate) => candidate.measure.startsWith(start))!;
    expect(row('pipeline overhead').figure).toBe('p50 18.0 ms, p95 28.8 ms');
    expect(row('pipeline overhead').target).toBe('p50 ≤ 20 ms: met');
    expect(row('CDS Hooks order-sign').target).toBe('p95 ≤ 50 ms: met');
    expect(row('CDS Hooks patient-view').target).toBe('p95 ≤ 50 ms: **not met**');
    expect(row('rails').target).toBe('p99 ≤ 5 ms: **not met**');
    expect(row('audit appends, PGlite').figure).toBe('301/s');
    expect(row('inference gRPC').figure).toBe('median 99.0% (IQR 97.0%–101.0%, min–max 94.0%–102.0%)');
    expect(row('inference gRPC').target).toBe('≥ 98%: met (median; not every round)');
    expect(row('patients per minute').figure).toBe('24.0');
  });

  it('reports an overhead above the target as not met', () => {
    const rows = summaryRows({ pipeline: pipeline([25, 30, 35]), ...services });
    expect(rows[0]!.target).toBe('p50 ≤ 20 ms: **not met**');
  });
});

describe('markdownTable', () => {
  it('writes a header, a rule and one line per row, escaping pipes in cells', () => {
    const table = markdownTable([{ measure: 'a|b', figure: '1', target: '—', how: 'x' }]);
    expect(table.split('\n')).toEqual([
      '| measure | figure | target | how |',
      '| --- | --- | --- | --- |',
      '| a\\|b | 1 | — | x |',
    ]);
  });
});

describe('machineLine', () => {
  it('names the date, CPU, cores, Node and the load at the start', () => {
    const line = machineLine(
      {
        cpu: 'AMD EPYC',
        cores: 2,
        memoryGiB: 7.8,
        node: 'v24.21.0',
        os: 'linux 6.1',
        loadAverageAtStart: 3.5,
      },
      new Date('2026-11-28T01:00:00Z'),
    );
    expect(line).toBe(
      '2026-11-28 on AMD EPYC, 2 cores, 7.8 GiB, Node v24.21.0 (linux 6.1); 1-min load average 3.5 at the start',
    );
  });
});
