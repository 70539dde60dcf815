// The main job on embedded defaults: every part that is built, as real processes on this machine.
//   Kafka broker (KRaft) → sandbox EHR (FHIR R4, seeded synthetic patients) → fhir-adapter (analyze API,
//   CDS Hooks) → aloe.patient-context.v1 → inference service (Aloe's serving path on the generated TEST
//   MODEL) answering a grounded, schema-constrained request about a real extracted context.
// The guardrails service (#5) is not built yet, so no annotated suggestions come back to the EHR.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadInferenceProto } from '@aloe/shared/grpc';
import { createKafka, createTypedProducer, ensureTopics, runConsumer, Topics } from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';
import * as grpc from '@grpc/grpc-js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const kafkaPort = process.env.KAFKA_PORT ?? '9092';
const ehrPort = process.env.SANDBOX_EHR_PORT ?? '8080';
const adapterPort = process.env.FHIR_ADAPTER_HTTP_PORT ?? '8081';
const grpcPort = process.env.INFERENCE_GRPC_PORT ?? '50051';
const fhirBase = `http://127.0.0.1:${ehrPort}/fhir/R4`;
const step = (text) => console.log(`\n▶ ${text}`);
const children = [];
const stopAll = async () => {
  for (const child of children.reverse()) {
    if (child.exitCode !== null) continue;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
};

/** Starts a service and waits for its "ready" log line; its errors are shown, the rest stays quiet. */
async function start(name, script, env, readyMessage) {
  const child = spawn(process.execPath, [join(root, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const ready = await new Promise((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === readyMessage) resolve(true);
      if (entry.level === 'error' || entry.level === 'fatal') console.error(`  ${name}: ${entry.msg}`);
    });
    child.once('exit', () => resolve(false));
  });
  if (!ready) {
    console.error(`  ${name} did not start (see above)`);
    await stopAll();
    process.exit(1);
  }
  console.log(`  ${name} is up`);
}

step('Kafka: the local broker (Apache Kafka, KRaft, fetched from Maven Central)');
execFileSync('bash', [join(root, 'infra/kafka/kafka.sh'), 'start'], { stdio: 'inherit' });
const logger = createLogger({ service: 'demo', level: 'error' });
const kafka = createKafka({ brokers: [`127.0.0.1:${kafkaPort}`], clientId: 'aloe-demo' }, logger);
await ensureTopics(kafka, Object.values(Topics));
console.log(
  `  topics: ${Object.values(Topics)
    .map((topic) => `${topic.name} (+ .dlq)`)
    .join(', ')}`,
);

step('Sandbox EHR: FHIR R4 on Medplum, seeded with six synthetic patients');
await start('sandbox EHR', 'infra/sandbox-ehr/dist/main.js', { SANDBOX_EHR_PORT: ehrPort }, 'listening');

step('fhir-adapter: CDS Hooks, the analyze API and write-back (development mode: CDS calls unauthenticated)');
await start(
  'fhir-adapter',
  'services/fhir-adapter/dist/main.js',
  {
    KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
    FHIR_ADAPTER_HTTP_PORT: adapterPort,
    FHIR_ADAPTER_METRICS_PORT: process.env.FHIR_ADAPTER_METRICS_PORT ?? '9466',
    FHIR_ADAPTER_FHIR_BASE_URL: fhirBase,
    FHIR_ADAPTER_CDS_ALLOW_UNAUTHENTICATED: 'true',
  },
  'fhir-adapter ready',
);

step('Analyse every seed patient: the adapter reads each record and produces its context to Kafka');
const producer = createTypedProducer(kafka);
await producer.connect();
const contexts = new Map();
const consumer = await runConsumer({
  kafka,
  contract: Topics.patientContext,
  groupId: `aloe-demo-${randomUUID()}`,
  producer,
  logger,
  handle: async (value) => {
    contexts.set(value.contextId, value);
  },
});
await consumer.joined;
const seeds = ['aloe-poly', 'aloe-allergy', 'aloe-ckd', 'aloe-child', 'aloe-opioid-benzo', 'aloe-injection'];
const requested = [];
for (const patientId of seeds) {
  const response = await fetch(`http://127.0.0.1:${adapterPort}/api/v1/patients/${patientId}/analyze`, {
    method: 'POST',
  });
  requested.push({ patientId, ...(await response.json()) });
}
const deadline = Date.now() + 20_000;
while (requested.some((r) => !contexts.has(r.contextId)) && Date.now() < deadline)
  await new Promise((resolve) => setTimeout(resolve, 50));
for (const { patientId, contextId } of requested) {
  const context = contexts.get(contextId);
  if (!context) {
    console.error(`  ${patientId}: no context arrived`);
    continue;
  }
  const kinds = {};
  for (const item of context.items) kinds[item.kind] = (kinds[item.kind] ?? 0) + 1;
  console.log(
    `  ${patientId.padEnd(18)} → ${context.patient.pseudonym.slice(0, 12)}…  ${JSON.stringify(kinds)}`,
  );
}
await consumer.stop();
await producer.disconnect();

step('CDS Hooks patient-view: answered at once; while no suggestion set is ready, one "reviewing" info card');
const cds = await fetch(`http://127.0.0.1:${adapterPort}/cds-services/aloe-patient-view`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    hook: 'patient-view',
    hookInstance: randomUUID(),
    context: { patientId: 'aloe-poly', userId: 'Practitioner/demo' },
  }),
});
console.log(
  `  HTTP ${cds.status}: ${JSON.stringify((await cds.json()).cards.map((card) => `[${card.indicator}] ${card.summary}`))}`,
);

step('Inference: Aloe over gRPC on node-llama-cpp (ALOE_MODEL unset → the generated TEST MODEL)');
await start(
  'inference',
  'services/inference/dist/main.js',
  {
    INFERENCE_GRPC_PORT: grpcPort,
    INFERENCE_METRICS_PORT: process.env.INFERENCE_METRICS_PORT ?? '9464',
    INFERENCE_MODELS_DIR: process.env.INFERENCE_MODELS_DIR ?? join(root, '.data/models'),
  },
  'serving',
);
const poly = contexts.get(requested[0].contextId);
const medications = poly.items.filter((item) => item.kind === 'medication' || item.kind === 'observation');
const client = new (loadInferenceProto().aloe.inference.v1.Inference)(
  `127.0.0.1:${grpcPort}`,
  grpc.credentials.createInsecure(),
);
// Grounding by construction: the model can only cite references present in this context.
const schema = {
  type: 'object',
  properties: {
    suggestions: {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      items: {
        type: 'object',
        properties: {
          title: { type: 'string', maxLength: 60 },
          citations: {
            type: 'array',
            minItems: 1,
            maxItems: 2,
            items: { enum: medications.map((item) => item.ref) },
          },
        },
      },
    },
  },
};
const response = await new Promise((resolve, reject) =>
  client.Generate(
    {
      messages: [
        {
          role: 'ROLE_USER',
          content: `Medication safety review. Items: ${medications.map((i) => `${i.ref} ${i.code?.display ?? ''}`).join('; ')}`,
        },
      ],
      jsonSchema: JSON.stringify(schema),
      maxTokens: 300,
      sampling: { temperature: 0.7, seed: 7 },
    },
    { deadline: Date.now() + 30_000 },
    (error, reply) => (error ? reject(error) : resolve(reply)),
  ),
);
client.close();
console.log(
  `  model: ${response.model.name} [${response.model.quantization}, ${response.model.chatTemplate}]`,
);
console.log(`  sha256: ${response.model.fileSha256}`);
console.log(
  `  output (schema-valid, citations from the context; random weights, so no clinical meaning):\n    ${response.json}`,
);
console.log(`  ${response.usage.completionTokens} tokens in ${response.timings.totalMs.toFixed(0)} ms`);

await stopAll();
step(
  'Not built yet: the guardrails service and the audit log (issue #5), which turn contexts into annotated',
);
console.log('  suggestion sets; until then no cards with suggestions and no write-back happen in the demo.');
console.log(`\nThe broker keeps running on 127.0.0.1:${kafkaPort}; stop it with: npm run kafka:stop`);
