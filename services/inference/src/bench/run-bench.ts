// `npm run bench` (in services/inference): direct node-llama-cpp vs the gRPC service, interleaved round
// by round in one run on the same model file and settings, for the tiny test model and a Llama-3.1-8B-wide
// one; the gRPC/direct ratio is reported per round (median, quartiles, extremes).
// `-- --rounds N` sets the interleaved rounds (default 15). Each model runs in its own child process so
// peak RSS is per model. Figures: stdout + bench-results.json.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeTestModel } from '../test-model/make-test-model.js';
import { type BenchFigures, measureModel } from './measure-model.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const serviceDir = resolve(here, '..', '..');
const modelsDir = resolve(serviceDir, '..', '..', '.data', 'models');

const MODELS = {
  tiny: { file: 'bench-tiny-llama3.gguf', maxTokens: 256, threads: 1 },
  wide: { file: 'bench-wide-llama3.gguf', maxTokens: 64, threads: 0 },
} as const;

const { values } = parseArgs({
  options: { model: { type: 'string' }, rounds: { type: 'string', default: '15' } },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1_000)
  throw new Error(`--rounds ${values.rounds}: must be a whole number from 1 to 1000`);

if (values.model) {
  // Child: measure one model, print its figures as JSON on the last line.
  const spec = MODELS[values.model as keyof typeof MODELS];
  const figures = await measureModel({
    path: join(modelsDir, spec.file),
    maxTokens: spec.maxTokens,
    threads: spec.threads,
    rounds,
  });
  console.log(JSON.stringify(figures));
  process.exit(0);
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

const results: Record<string, BenchFigures & { modelBytes: number }> = {};
for (const [name, spec] of Object.entries(MODELS)) {
  const path = join(modelsDir, spec.file);
  let modelBytes: number;
  if (!existsSync(path)) {
    process.stdout.write(`writing the ${name} test model (random weights) to ${path} … `);
    ({ sizeBytes: modelBytes } = await makeTestModel({ path, shape: name as 'tiny' | 'wide' }));
    console.log(`${(modelBytes / 1e6).toFixed(0)} MB`);
  } else {
    modelBytes = (await import('node:fs')).statSync(path).size;
  }
  console.log(`measuring ${name} …`);
  const output = execFileSync(
    process.execPath,
    [fileURLToPath(import.meta.url), '--model', name, '--rounds', values.rounds],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  results[name] = { ...(JSON.parse(output.trim().split('\n').at(-1)!) as BenchFigures), modelBytes };
}

const table = Object.entries(results).map(([name, r]) => ({
  model: `${name} (${(r.modelBytes / 1e6).toFixed(1)} MB)`,
  'direct tok/s': r.direct.tokensPerSecond.toFixed(1),
  'gRPC tok/s': r.grpc.tokensPerSecond.toFixed(1),
  'gRPC/direct (median)': percent(r.grpcToDirect.median),
  IQR: `${percent(r.grpcToDirect.p25)}–${percent(r.grpcToDirect.p75)}`,
  'min–max': `${percent(r.grpcToDirect.min)}–${percent(r.grpcToDirect.max)}`,
  'agg tok/s @1/2/4': r.concurrency.map((c) => c.aggregateTokensPerSecond.toFixed(1)).join(' / '),
  'TTFT ms (p50)': r.timeToFirstTokenMs.p50.toFixed(1),
  'cancel→stop ms (p50)': r.cancelToStopMs.samples
    ? `${r.cancelToStopMs.p50.toFixed(1)} (${r.cancelToStopMs.samples} cancelled)`
    : 'none cancelled (all ended first)',
  'peak RSS MB': (r.peakRssBytes / 1e6).toFixed(0),
}));
console.table(table);
const report = {
  measuredAt: new Date().toISOString(),
  machine: { cpus: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version },
  rounds,
  note: 'Random-weight test models: the figures measure serving overhead and throughput, not answer quality. gRPC/direct is per interleaved round (gRPC run over the direct run before it).',
  results,
};
await writeFile(join(serviceDir, 'bench-results.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`figures written to ${join(serviceDir, 'bench-results.json')}`);
