// The main job on embedded defaults. Today it runs what is built: the real Kafka broker, every topic
// with its dead-letter twin, and one synthetic patient context through the shared Kafka toolkit.
// The services join as their issues land (inference #3, fhir-adapter #4, guardrails #5).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafka, createTypedProducer, ensureTopics, runConsumer, Topics } from '@aloe/shared/kafka';
import { createLogger } from '@aloe/shared/logging';

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

step('Not built yet');
console.log('  inference service (Aloe over gRPC on node-llama-cpp) ... issue #3');
console.log('  fhir-adapter (sandbox EHR, CDS Hooks, write-back) ..... issue #4');
console.log('  guardrails and the audit log .......................... issue #5');
console.log(`\nThe broker keeps running on 127.0.0.1:${port}; stop it with: npm run kafka:stop`);
