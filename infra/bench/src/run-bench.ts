// `npm run bench` at the root (after `turbo run build`): each service's own bench (they write
// services/*/bench-results.json), then the pipeline over the real stack, then bench-results.json at the
// root with the machine and a summary printed as a Markdown table (for the README).
//
// Flags (after `npm run bench --`): --patients N (measured one at a time, default 15), --warmup N (2),
// --throughput-patients N (12), --inference-rounds N (interleaved direct/gRPC rounds, default 15),
// --guardrails-strategy-runs N (requests per strategy in the guardrails bench, default 1; its own default
// is 5), --guardrails-rail-sets N (sets timed per rails variant, default 300; its own 1000),
// --skip fhir-adapter,guardrails,inference,pipeline (reuse that step's last figures; for working on the
// runner).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createKafka } from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';
import { describeMachine } from './machine.js';
import { measurePipeline, type PipelineFigures } from './pipeline/measure-pipeline.js';
import { startStack } from './pipeline/stack.js';
import { FhirAdapterFigures, GuardrailsFigures, InferenceFigures, readFigures } from './service-figures.js';
import { machineLine, markdownTable, summaryRows } from './summary.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const STEPS = ['fhir-adapter', 'guardrails', 'inference', 'pipeline'] as const;
type Step = (typeof STEPS)[number];

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '2' },
    'throughput-patients': { type: 'string', default: '12' },
    'inference-rounds': { type: 'string', default: '15' },
    'guardrails-strategy-runs': { type: 'string', default: '1' },
    'guardrails-rail-sets': { type: 'string', default: '300' },
    skip: { type: 'string', default: '' },
  },
});
const count = (name: keyof typeof values, min: number, max: number) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${name} ${values[name]}: must be a whole number from ${min} to ${max}`);
  return value;
};
const flags = {
  patients: count('patients', 1, 1_000),
  warmup: count('warmup', 0, 100),
  throughputPatients: count('throughput-patients', 1, 1_000),
  inferenceRounds: count('inference-rounds', 1, 1_000),
  guardrailsStrategyRuns: count('guardrails-strategy-runs', 1, 100),
  guardrailsRailSets: count('guardrails-rail-sets', 100, 100_000),
};
const skipped = new Set(
  String(values.skip)
    .split(',')
    .map((step) => step.trim())
    .filter(Boolean),
);
for (const step of skipped)
  if (!STEPS.includes(step as Step)) throw new Error(`--skip ${step}: not a step (${STEPS.join(', ')})`);

const machine = describeMachine();
const startedAt = new Date();
const runSeconds: Partial<Record<Step | 'total', number>> = {};
const timed = async <T>(step: Step, work: () => Promise<T>): Promise<T> => {
  const stepStartedAt = performance.now();
  console.log(`\n▶ ${step}`);
  const result = await work();
  runSeconds[step] = Math.round((performance.now() - stepStartedAt) / 100) / 10;
  return result;
};

/** One workspace's `npm run bench`, its output shown as it comes; fails the run when it fails. */
const serviceBench = (workspace: string, args: string[] = []) =>
  new Promise<void>((done, fail) => {
    const child = spawn('npm', ['run', 'bench', '-w', workspace, ...(args.length ? ['--', ...args] : [])], {
      cwd: root,
      stdio: 'inherit',
    });
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`npm run bench -w ${workspace} exited with ${code}`)),
    );
  });

if (!skipped.has('fhir-adapter')) await timed('fhir-adapter', () => serviceBench('@aloe/fhir-adapter'));
if (!skipped.has('guardrails'))
  await timed('guardrails', () =>
    serviceBench('@aloe/guardrails', [
      '--strategy-runs',
      String(flags.guardrailsStrategyRuns),
      '--rail-sets',
      String(flags.guardrailsRailSets),
    ]),
  );
if (!skipped.has('inference'))
  await timed('inference', () =>
    serviceBench('@aloe/inference', ['--rounds', String(flags.inferenceRounds)]),
  );

// The services' figures are checked before the pipeline runs: a bench that wrote something else fails now.
const services = {
  fhirAdapter: await readFigures(join(root, 'services/fhir-adapter/bench-results.json'), FhirAdapterFigures),
  guardrails: await readFigures(join(root, 'services/guardrails/bench-results.json'), GuardrailsFigures),
  inference: await readFigures(join(root, 'services/inference/bench-results.json'), InferenceFigures),
};
const resultsPath = join(root, 'bench-results.json');
const pipeline = skipped.has('pipeline')
  ? (JSON.parse(await readFile(resultsPath, 'utf8')) as { pipeline: PipelineFigures }).pipeline
  : await timed('pipeline', runPipeline);

const figures = { pipeline, ...services };
const rows = summaryRows(figures);
runSeconds.total = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
const caption = machineLine(machine, startedAt);
await writeFile(
  resultsPath,
  `${JSON.stringify(
    {
      measuredAt: startedAt.toISOString(),
      machine,
      note: 'Random-weight test model: the figures measure the plumbing, not answer quality. The machine may be shared with other work (see machine.loadAverageAtStart); compare rows within one run.',
      flags,
      skipped: [...skipped],
      runSeconds,
      summary: rows,
      pipeline,
      serviceFiguresMeasuredAt: {
        fhirAdapter: figures.fhirAdapter.measuredAt,
        guardrails: figures.guardrails.measuredAt,
        inference: figures.inference.measuredAt,
      },
      cdsHooks: {
        patientView: figures.fhirAdapter.patientView,
        patientViewRedis: figures.fhirAdapter.patientViewRedis,
        orderSign: figures.fhirAdapter.orderSign,
      },
      rails: figures.guardrails.rails,
      audit: figures.guardrails.audit,
      inference: figures.inference.results,
    },
    null,
    2,
  )}\n`,
);
console.log(`\n${caption}\n\n${markdownTable(rows)}\n`);
console.log(
  `run time ${runSeconds.total} s (${STEPS.map((step) => `${step} ${runSeconds[step] ?? 'skipped'}`).join(', ')}); figures written to ${resultsPath}`,
);

/** The stack as processes, on topics of this run's own (deleted afterwards), measured, then stopped. */
async function runPipeline(): Promise<PipelineFigures> {
  const brokers = [`127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`];
  const topicPrefix = `bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.`;
  const stack = await startStack({ root, brokers, topicPrefix });
  try {
    const measured = await measurePipeline(stack, {
      latencyPatients: flags.patients,
      warmupPatients: flags.warmup,
      throughputPatients: flags.throughputPatients,
      patientTimeoutMs: 180_000,
    });
    const { latency, throughput } = measured;
    console.log(
      `  overhead p50 ${latency.overheadMs.p50.toFixed(1)} ms, p95 ${latency.overheadMs.p95.toFixed(1)} ms over ${latency.patients} patients; ` +
        `${throughput.patientsPerMinute.toFixed(1)} patients/min over ${throughput.patients}; ` +
        `write-back found in the EHR for ${measured.writeBackChecked.found} of ${measured.writeBackChecked.sets} written sets`,
    );
    return measured;
  } finally {
    await stack.stop();
    await deleteTopics(brokers, topicPrefix);
  }
}

/** This run's topics (and their dead-letter twins) go: the broker outlives the run. */
async function deleteTopics(brokers: string[], topicPrefix: string) {
  const admin = createKafka(
    { brokers, clientId: 'aloe-bench-cleanup' },
    createLogger({ service: 'bench', level: 'warn' }),
  ).admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
}
