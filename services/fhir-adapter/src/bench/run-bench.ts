// `npm run bench` (in services/fhir-adapter): context extraction per patient from the sandbox EHR over
// HTTP (the Synthea set when ../shared/data is present, plus the seed patients), and CDS Hooks
// patient-view latency from the card cache under 50 concurrent calls with real ES384 JWT checks.
// Figures: stdout + bench-results.json.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandboxEhr, FHIR_BASE_PATH, loadBundle, SEED_PATIENTS } from '@aloe/sandbox-ehr';
import { createLogger } from '@aloe/shared/logging';
import type { SuggestionSet } from '@aloe/shared/schemas';
import type { Bundle } from '@medplum/fhirtypes';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createApp } from '../app.js';
import { type CardStore, MemoryCardStore } from '../cards/card-store.js';
import { createRedisCardStore } from '../cards/redis-card-store.js';
import { createFhirClient } from '../ehr/fhir-client.js';
import { type CaptureDeps, captureContext, contextFromPrefetch } from '../flows/capture-context.js';
import { createEhrJwtVerifier } from '../http/verify-ehr-jwt.js';

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
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
};

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
  perPatientMs.push({ id: patient.id, resources: patient.resources, ms: percentile(runs, 0.5), items });
}
const largest = perPatientMs.reduce((a, b) => (b.resources > a.resources ? b : a));
const extraction = {
  patients: perPatientMs.length,
  medianMs: percentile(
    perPatientMs.map((p) => p.ms),
    0.5,
  ),
  p95Ms: percentile(
    perPatientMs.map((p) => p.ms),
    0.95,
  ),
  maxMs: Math.max(...perPatientMs.map((p) => p.ms)),
  largest: { resourcesInBundle: largest.resources, ms: largest.ms, items: largest.items },
};

// 2. patient-view from the cache, 50 concurrent, each call with its own ES384 JWT verified.
const { publicKey, privateKey } = await generateKeyPair('ES384');
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES384' }] };
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

/** patient-view calls answered from `cards`, `concurrency` at a time, each with its JWT verified. */
async function measurePatientView(cards: CardStore) {
  await cards.put(benchSet);
  const adapter = await listen(
    createApp({
      publicBaseUrl,
      verifyEhrJwt: createEhrJwtVerifier({ issuers: ['https://ehr.bench/'], jkuAllowList: [], jwks }),
      allowUnauthenticated: false,
      cards,
      sidebarLaunchUrl: 'https://aloe.bench.example/launch',
      pseudonymOf: () => pseudonym,
      captureChart: (request) => captureContext(captureDeps, request),
      chartFromPrefetch: (request) => contextFromPrefetch(captureDeps, request),
      publishContext: async () => undefined,
      now: () => new Date(),
      requestAnalysis: async () => ({ contextId: 'not-started-in-the-bench' }),
      publishFeedback: async () => undefined,
      apiToken: undefined,
      logger,
      newId: randomUUID,
      ready: async () => true,
    }),
  );
  const url = `http://127.0.0.1:${(adapter.address() as AddressInfo).port}/cds-services/aloe-patient-view`;
  const sign = () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: 'bench', typ: 'JWT' })
      .setIssuer('https://ehr.bench/')
      .setAudience(`${publicBaseUrl}/cds-services/aloe-patient-view`)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(privateKey);
  const body = JSON.stringify({
    hook: 'patient-view',
    hookInstance: randomUUID(),
    context: { patientId: 'aloe-poly', userId: 'Practitioner/1' },
  });
  const latencies: number[] = [];
  const rounds = 10;
  const concurrency = 50;
  const wallStartedAt = performance.now();
  for (let round = 0; round < rounds; round++) {
    const tokens = await Promise.all(Array.from({ length: concurrency }, sign));
    await Promise.all(
      tokens.map(async (token) => {
        const startedAt = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        const json = (await response.json()) as { cards: unknown[] };
        if (response.status !== 200 || json.cards.length !== 5)
          throw new Error(`unexpected answer ${response.status}`);
        latencies.push(performance.now() - startedAt);
      }),
    );
  }
  const requestsPerSecond = latencies.length / ((performance.now() - wallStartedAt) / 1000);
  await new Promise((done) => adapter.close(done));
  return {
    concurrency,
    requests: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    p99Ms: percentile(latencies, 0.99),
    maxMs: Math.max(...latencies),
    requestsPerSecond,
  };
}
// The embedded default and the store replicas share, side by side (Redis: the machine's, or
// BENCH_REDIS_URL, under a key prefix of the bench's own).
const patientView = await measurePatientView(new MemoryCardStore());
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisStore = await createRedisCardStore({
  url: redisUrl,
  keyPrefix: `bench:${randomUUID()}:`,
  ttlSeconds: 600,
}).catch((error: Error) => {
  console.log(`patient-view from Redis not measured: ${error.message}`);
  return undefined;
});
const patientViewRedis = redisStore ? await measurePatientView(redisStore) : undefined;
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
const patientViewRow = (row: Awaited<ReturnType<typeof measurePatientView>> | undefined) =>
  row && {
    concurrent: row.concurrency,
    requests: row.requests,
    'p50 ms': row.p50Ms.toFixed(1),
    'p95 ms': row.p95Ms.toFixed(1),
    'p99 ms': row.p99Ms.toFixed(1),
    'max ms': row.maxMs.toFixed(1),
    'req/s': row.requestsPerSecond.toFixed(0),
  };
console.table({
  'patient-view from the in-memory cache': patientViewRow(patientView),
  'patient-view from the Redis cache': patientViewRow(patientViewRedis),
});
const report = {
  measuredAt: new Date().toISOString(),
  machine: { cpus: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version },
  extraction,
  patientView,
  patientViewRedis,
  perPatient: perPatientMs,
};
await writeFile(join(serviceDir, 'bench-results.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`figures written to ${join(serviceDir, 'bench-results.json')}`);
