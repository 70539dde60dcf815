// `bash infra/dev.sh up`: the whole stack on embedded defaults, kept running with the URLs to open
// until Ctrl-C. The six seed patients are analysed once at start, so the sidebar has something to show.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createProcessGroup, fhirBase, ports, root, services } from './stack.mjs';

const kafkaScript = join(root, 'infra/kafka/kafka.sh');
const brokerWasRunning = (() => {
  try {
    execFileSync('bash', [kafkaScript, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const { start, stopAll, children } = createProcessGroup();
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the stack…');
  await stopAll();
  // A broker this command started goes with it; one that was already running is left alone.
  if (!brokerWasRunning) execFileSync('bash', [kafkaScript, 'stop'], { stdio: 'inherit' });
  process.exit(code);
};
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));

console.log('Starting the stack (embedded defaults: local Kafka, sandbox EHR, test model, PGlite)');
execFileSync('bash', [kafkaScript, 'start'], { stdio: 'inherit' });
await start(services.ehr);
await start(services.inference);
const complianceToken = randomUUID();
await start(services.guardrails(complianceToken));
await start(services.adapter);
// A service that dies while the stack is up takes the stack down, saying which one.
for (const child of children)
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`a service exited (${signal ?? `code ${code}`}); stopping the stack`);
    void stop(1);
  });

const seeds = ['aloe-poly', 'aloe-allergy', 'aloe-ckd', 'aloe-child', 'aloe-opioid-benzo', 'aloe-injection'];
for (const patientId of seeds)
  await fetch(`http://127.0.0.1:${ports.adapter}/api/v1/patients/${patientId}/analyze`, { method: 'POST' });

const adapter = `http://127.0.0.1:${ports.adapter}`;
const ehr = `http://127.0.0.1:${ports.ehr}`;
const launch = (patient) =>
  `${ehr}/ehr/launch?${new URLSearchParams({ app: `${adapter}/sidebar/launch`, patient })}`;
console.log(`
The stack is up (the seed patients are being analysed by the TEST MODEL: plumbing, not advice).

  Sidebar, launched by the sandbox EHR (SMART EHR launch, PKCE):
    ${launch('aloe-allergy')}
    other seed patients: ${seeds.filter((id) => id !== 'aloe-allergy').join(', ')} (change patient=)
  Compliance page:  http://127.0.0.1:${ports.guardrails}/compliance
    token for this run: ${complianceToken}
  Sandbox EHR (FHIR R4): ${fhirBase}/Patient
  CDS Hooks discovery:   ${adapter}/cds-services
  Metrics (Prometheus):  http://127.0.0.1:${ports.adapterMetrics}/metrics (fhir-adapter)
                         http://127.0.0.1:${ports.guardrailsMetrics}/metrics (guardrails)
                         http://127.0.0.1:${ports.inferenceMetrics}/metrics (inference)
  Kafka broker:          127.0.0.1:${ports.kafka}${brokerWasRunning ? ' (already running; left running)' : ''}

Ctrl-C stops everything.`);
