// The main job on embedded defaults. Today it runs what is built: the real Kafka broker, every topic
// with its dead-letter twin, one synthetic patient context through the shared Kafka toolkit, and the
// inference service (Aloe's serving path on the generated test model) answering a grounded,
// schema-constrained request about that context. fhir-adapter (#4) and guardrails (#5) join later.
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
const port = process.env.KAFKA_PORT ?? '9092';
const step = (text) => console.log(`\n▶ ${text}`);

step('Starting the local Kafka broker (Apache Kafka, KRaft, fetched from Maven Central)');
execFileSync('bash', [join(root, 'infra/kafka/kafka.sh'), 'start'], { stdio: 'inherit' });

const logger = createLogger({ service: 'demo', level: 'warn' });
const kafka = createKafka({ brokers: [`127.0.0.1:${port}`], clientId: 'aloe-demo' }, logger);

step('Creating the topics and their dead-letter twins');
await ensureTopics(kafka, Object.values(Topics));
const admin = kafka.admin();
await admin.connect();
const existing = new Set(await admin.listTopics());
const topics = Object.values(Topics)
  .flatMap((t) => [t.name, t.deadLetter])
  .filter((name) => existing.has(name));
await admin.disconnect();
for (const topic of topics) console.log(`  ${topic}`);

step('Sending one synthetic patient context through aloe.patient-context.v1');
const producer = createTypedProducer(kafka);
await producer.connect();
const context = {
  contextId: randomUUID(),
  trigger: { kind: 'api' },
  patient: { ref: 'Patient/demo-1', pseudonym: 'demo_pseudonym_0001', ageYears: 71, sex: 'female' },
  fhirBase: 'http://127.0.0.1:8080/fhir/R4',
  capturedAt: new Date().toISOString(),
  items: [
    {
      ref: 'MedicationRequest/demo-warfarin',
      kind: 'medication',
      code: { display: 'Warfarin 5 MG Oral Tablet' },
    },
    {
      ref: 'MedicationRequest/demo-ibuprofen',
      kind: 'medication',
      code: { display: 'Ibuprofen 400 MG Oral Tablet' },
    },
  ],
  tasks: ['medication-safety'],
};
let received;
const consumer = await runConsumer({
  kafka,
  contract: Topics.patientContext,
  groupId: `aloe-demo-${randomUUID()}`,
  // A new group reads from the beginning: a 'latest' start could miss a message sent right after joining.
  producer,
  logger,
  handle: async (value) => {
    if (value.contextId === context.contextId) received = value;
  },
});
await consumer.joined;
await producer.send(Topics.patientContext, [{ key: context.patient.pseudonym, value: context }]);
const deadline = Date.now() + 20_000;
while (!received && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
await consumer.stop();
await producer.disconnect();
if (!received) {
  console.error('  the context did not come back within 20 s');
  process.exit(1);
}
console.log(`  context ${received.contextId} validated and consumed (${received.items.length} items)`);

step('Starting the inference service (node-llama-cpp; ALOE_MODEL unset → the generated TEST MODEL)');
const grpcPort = process.env.INFERENCE_GRPC_PORT ?? '50051';
const inference = spawn(process.execPath, [join(root, 'services/inference/dist/main.js')], {
  env: {
    ...process.env,
    INFERENCE_GRPC_PORT: grpcPort,
    INFERENCE_METRICS_PORT: process.env.INFERENCE_METRICS_PORT ?? '9464',
    INFERENCE_MODELS_DIR: process.env.INFERENCE_MODELS_DIR ?? join(root, '.data/models'),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const serving = await new Promise((resolve) => {
  createInterface({ input: inference.stdout }).on('line', (line) => {
    const entry = JSON.parse(line);
    if (entry.msg === 'serving') resolve(true);
    if (entry.level === 'error' || entry.level === 'fatal') console.error(`  inference: ${entry.msg}`);
  });
  inference.once('exit', () => resolve(false));
});
if (!serving) {
  console.error('  the inference service did not start (see above)');
  process.exit(1);
}
const proto = loadInferenceProto();
const client = new proto.aloe.inference.v1.Inference(
  `127.0.0.1:${grpcPort}`,
  grpc.credentials.createInsecure(),
);
const refs = received.items.map((item) => item.ref);
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
          citations: { type: 'array', minItems: 1, maxItems: 2, items: { enum: refs } },
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
          content: `Medication safety review. Items: ${received.items.map((i) => `${i.ref} ${i.code.display}`).join('; ')}`,
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
console.log(`  output (schema-valid; random weights, so no clinical meaning): ${response.json}`);
console.log(`  ${response.usage.completionTokens} tokens in ${response.timings.totalMs.toFixed(0)} ms`);
inference.kill('SIGTERM');
await new Promise((resolve) => inference.once('exit', resolve));

step('Not built yet');
console.log('  fhir-adapter (sandbox EHR, CDS Hooks, write-back) ..... issue #4');
console.log('  guardrails and the audit log .......................... issue #5');
console.log(`\nThe broker keeps running on 127.0.0.1:${port}; stop it with: npm run kafka:stop`);
