// `npm run bench` (in services/fhir-adapter): context extraction per patient from the sandbox EHR over
// HTTP (the Synthea set when ../shared/data is present, plus the seed patients), and CDS Hooks latency
// under 50 concurrent calls with real ES384 JWT checks: order-sign checked by the clinical rules, and
// patient-view (rules + the cached AI set), side by side.
// Figures: stdout + bench-results.json.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createSandboxEhr, FHIR_BASE_PATH, loadBundle, SEED_PATIENTS } from '@aloe/sandbox-ehr';
import { createLogger } from '@aloe/shared/logging';
import type { SuggestionSet } from '@aloe/shared/schemas';
import { quantile } from '@aloe/shared/stats';
import type { Bundle } from '@medplum/fhirtypes';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createApp } from '../app.js';
import { type CardStore, MemoryCardStore } from '../cards/card-store.js';
import { createRedisCardStore } from '../cards/redis-card-store.js';
import { fillPrefetch } from '../conformance/ehr-prefetch.js';
import { draftOrders, fromPrefetch } from '../context/from-prefetch.js';
import { createFhirClient } from '../ehr/fhir-client.js';
import { readPatientRecord } from '../ehr/read-patient-record.js';
import { type CaptureDeps, captureContext, contextFromPrefetch } from '../flows/capture-context.js';
import { checkChart } from '../flows/check-chart.js';
import { CDS_SERVICES } from '../http/cds-services.js';
import { createEhrJwtVerifier } from '../http/verify-ehr-jwt.js';
import type { LoadPlan, LoadResult } from './load-generator.js';

const serviceDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const SYNTHEA_DIR = resolve(
  serviceDir,
  '../../../shared/data/fhir-r4-synthea/smart-on-fhir-generated-sample-data',
);
const logger = createLogger({ service: 'fhir-adapter-bench', level: 'warn' });
const listen = (app: { listen: (port: number, host: string, callback: () => void) => Server }) =>
  new Promise<Server>((done) => {
    const server = app.listen(0, '127.0.0.1', () => done(server));
  });

// 1. Extraction.
const ehr = createSandboxEhr();
for (const patient of SEED_PATIENTS) await loadBundle(ehr.router, ehr.repo, patient.bundle);
const patients: Array<{ id: string; resources: number; source: string }> = SEED_PATIENTS.map((patient) => ({
  id: patient.id,
  resources: patient.bundle.entry?.length ?? 0,
  source: 'seed',
}));
if (existsSync(SYNTHEA_DIR)) {
  for (const file of (await readdir(SYNTHEA_DIR)).filter(
    (name) => name.endsWith('.json') && name !== 'index.json',
  )) {
    const bundle = JSON.parse(await readFile(join(SYNTHEA_DIR, file), 'utf8')) as Bundle;
    const response = await loadBundle(ehr.router, ehr.repo, bundle);
    const location = response.entry?.find((entry) => entry.response?.location?.startsWith('Patient/'))
      ?.response?.location;
    patients.push({ id: location!.split('/')[1]!, resources: bundle.entry?.length ?? 0, source: file });
  }
} else {
  console.log(`../shared/data is absent (${SYNTHEA_DIR}): measuring the seed patients only`);
}
const ehrServer = await listen(ehr.app);
const fhirBase = `http://127.0.0.1:${(ehrServer.address() as AddressInfo).port}${FHIR_BASE_PATH}`;
const client = createFhirClient({ baseUrl: fhirBase });
const captureDeps: CaptureDeps = {
  client: async () => client,
  fhirBase,
  pseudonymKey: 'bench-pseudonym-key-with-at-least-32-chars',
  now: () => new Date('2026-11-24T08:00:00Z'),
  newId: randomUUID,
  // A wide window so the older Synthea records bring their observations too.
  read: { observationWindowDays: 36_500, observationLimit: 200, includeNotes: true },
};
const capture = (patientId: string) =>
  captureContext(captureDeps, { patientId, trigger: { kind: 'api' }, tasks: ['medication-safety'] });

for (const patient of patients) await capture(patient.id); // warm-up
const perPatientMs: Array<{ id: string; resources: number; ms: number; items: number }> = [];
for (const patient of patients) {
  const runs: number[] = [];
  let items = 0;
  for (let i = 0; i < 3; i++) {
    const startedAt = performance.now();
    items = (await capture(patient.id)).items.length;
    runs.push(performance.now() - startedAt);
  }
  perPatientMs.push({ id: patient.id, resources: patient.resources, ms: quantile(runs, 0.5), items });
}
const largest = perPatientMs.reduce((a, b) => (b.resources > a.resources ? b : a));
const extraction = {
  patients: perPatientMs.length,
  medianMs: quantile(
    perPatientMs.map((p) => p.ms),
    0.5,
  ),
  p95Ms: quantile(
    perPatientMs.map((p) => p.ms),
    0.95,
  ),
  maxMs: Math.max(...perPatientMs.map((p) => p.ms)),
  largest: { resourcesInBundle: largest.resources, ms: largest.ms, items: largest.items },
};

// 2. CDS Hooks under load: 50 concurrent calls, each with its own ES384 JWT verified, sent by a load
// generator in a worker thread (its signing and parsing do not run on the adapter's event loop).
// CDS Hooks 2.0 recommends ES384 or RS384; ES384 is ~25× the CPU to verify (0.6 ms vs 0.02 ms here).
const keys = {
  ES384: await generateKeyPair('ES384', { extractable: true }),
  RS384: await generateKeyPair('RS384', { extractable: true }),
};
const pseudonym = 'bench-pseudonym-000001';
const benchSet: SuggestionSet = {
  setId: randomUUID(),
  contextId: randomUUID(),
  patient: { ref: 'Patient/aloe-poly', pseudonym },
  fhirBase,
  model: {
    id: 'm',
    name: 'aloe-test (TEST MODEL)',
    fileSha256: 'c'.repeat(64),
    quantization: 'Q8_0',
    chatTemplate: 'x',
    testModel: true,
    params: {},
  },
  suggestions: Array.from({ length: 5 }, (_, i) => ({
    id: `s${i}`,
    kind: 'medication-safety' as const,
    title: `Suggestion ${i}`,
    text: 'Text with evidence.',
    citations: ['MedicationRequest/aloe-poly-warfarin', 'Observation/aloe-poly-inr'],
    verdict: 'warn' as const,
    reasons: [{ ruleId: 'output.interaction', severity: 'warning' as const, message: 'm' }],
  })),
  evidence: [],
  inputFindings: [],
  disclaimer: 'AI-generated.',
  producedAt: new Date().toISOString(),
  timingsMs: {},
};
const publicBaseUrl = 'https://aloe.bench.example';

// The chart of aloe-poly as an EHR prefetches it for our templates, and a draft NSAID to sign.
const record = await readPatientRecord(client, 'aloe-poly', { ...captureDeps.read, now: new Date() });
const chartResources = Object.values(record).flatMap((value) => (Array.isArray(value) ? value : [value]));
const fullPrefetch = fillPrefetch(
  CDS_SERVICES[0].prefetch,
  { chart: { resourceType: 'Bundle', entry: chartResources.map((resource) => ({ resource })) } },
  'aloe-poly',
);
const ketorolac = {
  resourceType: 'MedicationRequest',
  id: 'bench-draft-ketorolac',
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/aloe-poly' },
  medicationCodeableConcept: {
    coding: [
      {
        system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
        code: '834022',
        display: 'Ketorolac Tromethamine 10 MG Oral Tablet',
      },
    ],
  },
};
const hookBody = (hook: string, prefetch: boolean) =>
  JSON.stringify({
    hook,
    hookInstance: randomUUID(),
    context: {
      patientId: 'aloe-poly',
      userId: 'Practitioner/1',
      ...(hook === 'order-sign'
        ? { draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: ketorolac }] } }
        : {}),
    },
    ...(prefetch ? { prefetch: fullPrefetch } : {}),
  });

/** One hook under load through the real app over HTTP (the adapter here, the load in a worker). */
async function measureHook(
  cards: CardStore,
  hook: 'patient-view' | 'order-sign',
  prefetch: boolean,
  alg: 'ES384' | 'RS384' = 'ES384',
) {
  // A full collection first (the bench runs with --expose-gc): the sandbox EHR's heap from part 1 must
  // not be collected inside one scenario's measurement and not another's.
  (globalThis as { gc?: () => void }).gc?.();
  const { publicKey, privateKey } = keys[alg];
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg }] };
  await cards.put(benchSet);
  const adapter = await listen(
    createApp({
      publicBaseUrl,
      verifyEhrJwt: createEhrJwtVerifier({ issuers: ['https://ehr.bench/'], jkuAllowList: [], jwks }),
      allowUnauthenticated: false,
      fhirServers: [],
      cards,
      sidebarLaunchUrl: 'https://aloe.bench.example/launch',
      pseudonymOf: () => pseudonym,
      captureChart: (request) => captureContext(captureDeps, request),
      chartFromPrefetch: (request) => contextFromPrefetch(captureDeps, request),
      publishContext: async () => undefined,
      audit: async () => undefined,
      now: () => new Date(),
      requestAnalysis: async () => ({ contextId: 'not-started-in-the-bench' }),
      publishFeedback: async () => undefined,
      apiToken: undefined,
      logger,
      newId: randomUUID,
      ready: async () => true,
    }),
  );
  const path = `/cds-services/aloe-${hook}`;
  const url = `http://127.0.0.1:${(adapter.address() as AddressInfo).port}${path}`;
  const body = hookBody(hook, prefetch);
  // One call unmeasured: it says how many cards the answer has (the load checks each answer has them).
  const token = await new SignJWT({})
    .setProtectedHeader({ alg, kid: 'bench', typ: 'JWT' })
    .setIssuer('https://ehr.bench/')
    .setSubject('bench-cds-client')
    .setAudience(`${publicBaseUrl}${path}`)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(privateKey);
  const first = (await (
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    })
  ).json()) as { cards: Array<{ source: { topic?: { code: string } } }> };
  const plan: LoadPlan = {
    url,
    audience: `${publicBaseUrl}${path}`,
    issuer: 'https://ehr.bench/',
    subject: 'bench-cds-client',
    privateJwk: (await exportJWK(privateKey)) as Record<string, unknown>,
    kid: 'bench',
    alg,
    body,
    concurrency: 50,
    warmupRounds: 10,
    // The EHR reads of the sandbox in this process are slow under load: fewer rounds for that case.
    rounds: prefetch ? 30 : 6,
    expectedCards: first.cards.length,
  };
  const result = await new Promise<LoadResult>((resolve, reject) => {
    const worker = new Worker(new URL('./load-generator.js', import.meta.url), { workerData: plan });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await new Promise((done) => adapter.close(done));
  const latencies = result.latenciesMs;
  return {
    hook,
    prefetch,
    alg,
    concurrency: plan.concurrency,
    requests: latencies.length,
    cards: plan.expectedCards,
    knowledgeCards: first.cards.filter((card) => card.source.topic?.code.startsWith('knowledge.')).length,
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
    p99Ms: quantile(latencies, 0.99),
    maxMs: Math.max(...latencies),
    requestsPerSecond: latencies.length / (result.wallMs / 1000),
  };
}
// The rules alone on the same chart and draft, in this process (no HTTP, no JWT): their share of a call.
const benchContext = contextFromPrefetch(captureDeps, {
  patientId: 'aloe-poly',
  trigger: { kind: 'cds-hook', hook: 'order-sign' },
  tasks: ['medication-safety'],
  prefetched: fromPrefetch(fullPrefetch, 'aloe-poly'),
});
const benchDrafts = draftOrders({ resourceType: 'Bundle', entry: [{ resource: ketorolac }] }).items;
for (let i = 0; i < 200; i++) checkChart(benchContext, benchDrafts, new Date());
const rulesStartedAt = performance.now();
for (let i = 0; i < 2_000; i++) checkChart(benchContext, benchDrafts, new Date());
const rulesPerCallMs = (performance.now() - rulesStartedAt) / 2_000;

// Side by side in one run: order-sign with the rules (full prefetch, and the chart read from the EHR in
// the call), patient-view (rules + cached AI set) from the embedded store and from the Redis store the
// replicas share (the machine's Redis, or BENCH_REDIS_URL, under a key prefix of the bench's own).
const orderSign = await measureHook(new MemoryCardStore(), 'order-sign', true);
const orderSignRs384 = await measureHook(new MemoryCardStore(), 'order-sign', true, 'RS384');
const orderSignReading = await measureHook(new MemoryCardStore(), 'order-sign', false);
const patientView = await measureHook(new MemoryCardStore(), 'patient-view', true);
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisStore = await createRedisCardStore({
  url: redisUrl,
  keyPrefix: `bench:${randomUUID()}:`,
  ttlSeconds: 600,
}).catch((error: Error) => {
  console.log(`patient-view from Redis not measured: ${error.message}`);
  return undefined;
});
const patientViewRedis = redisStore ? await measureHook(redisStore, 'patient-view', true) : undefined;
await redisStore?.close();
await new Promise((done) => ehrServer.close(done));

console.table({
  'extraction (per patient)': {
    patients: extraction.patients,
    'median ms': extraction.medianMs.toFixed(1),
    'p95 ms': extraction.p95Ms.toFixed(1),
    'max ms': extraction.maxMs.toFixed(1),
    'largest bundle': `${extraction.largest.resourcesInBundle} resources → ${extraction.largest.ms.toFixed(1)} ms`,
  },
});
const hookRow = (row: Awaited<ReturnType<typeof measureHook>> | undefined) =>
  row && {
    concurrent: row.concurrency,
    requests: row.requests,
    cards: `${row.cards} (${row.knowledgeCards} from rules)`,
    'p50 ms': row.p50Ms.toFixed(1),
    'p95 ms': row.p95Ms.toFixed(1),
    'p99 ms': row.p99Ms.toFixed(1),
    'max ms': row.maxMs.toFixed(1),
    'req/s': row.requestsPerSecond.toFixed(0),
  };
console.log(`the clinical rules on that chart and draft, in-process: ${rulesPerCallMs.toFixed(3)} ms a call`);
console.table({
  'order-sign, rules on the prefetched chart': hookRow(orderSign),
  'the same, the EHR signing with RS384': hookRow(orderSignRs384),
  'order-sign, rules, chart read from the EHR': hookRow(orderSignReading),
  'patient-view, rules + AI set (in-memory store)': hookRow(patientView),
  'patient-view, rules + AI set (Redis store)': hookRow(patientViewRedis),
});
const report = {
  measuredAt: new Date().toISOString(),
  machine: { cpus: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version },
  extraction,
  rulesPerCallMs,
  orderSign,
  orderSignRs384,
  orderSignReading,
  patientView,
  patientViewRedis,
  perPatient: perPatientMs,
};
await writeFile(join(serviceDir, 'bench-results.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`figures written to ${join(serviceDir, 'bench-results.json')}`);
