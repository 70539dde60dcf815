// What the demo and `dev.sh up` share: the ports, each service's embedded-default environment, and
// starting a service as a child process that is ready when it logs its "ready" line.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const ports = {
  kafka: process.env.KAFKA_PORT ?? '9092',
  ehr: process.env.SANDBOX_EHR_PORT ?? '8080',
  adapter: process.env.FHIR_ADAPTER_HTTP_PORT ?? '8081',
  guardrails: process.env.GUARDRAILS_HTTP_PORT ?? '8082',
  grpc: process.env.INFERENCE_GRPC_PORT ?? '50051',
  inferenceMetrics: process.env.INFERENCE_METRICS_PORT ?? '9464',
  guardrailsMetrics: process.env.GUARDRAILS_METRICS_PORT ?? '9465',
  adapterMetrics: process.env.FHIR_ADAPTER_METRICS_PORT ?? '9466',
};
export const fhirBase = `http://127.0.0.1:${ports.ehr}/fhir/R4`;

/** The services on embedded defaults: the sandbox EHR, the test model, PGlite for the audit log. */
export const services = {
  ehr: {
    name: 'sandbox EHR',
    script: 'infra/sandbox-ehr/dist/main.js',
    env: { SANDBOX_EHR_PORT: ports.ehr },
    ready: 'listening',
  },
  adapter: {
    name: 'fhir-adapter',
    script: 'services/fhir-adapter/dist/main.js',
    env: {
      KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
      FHIR_ADAPTER_HTTP_PORT: ports.adapter,
      FHIR_ADAPTER_PUBLIC_URL: `http://127.0.0.1:${ports.adapter}`,
      FHIR_ADAPTER_METRICS_PORT: ports.adapterMetrics,
      FHIR_ADAPTER_FHIR_BASE_URL: fhirBase,
      FHIR_ADAPTER_CDS_ALLOW_UNAUTHENTICATED: 'true',
    },
    ready: 'fhir-adapter ready',
  },
  inference: {
    name: 'inference',
    script: 'services/inference/dist/main.js',
    env: {
      INFERENCE_GRPC_PORT: ports.grpc,
      INFERENCE_METRICS_PORT: ports.inferenceMetrics,
      INFERENCE_MODELS_DIR: process.env.INFERENCE_MODELS_DIR ?? join(root, '.data/models'),
    },
    ready: 'serving',
  },
  guardrails: (complianceToken) => ({
    name: 'guardrails',
    script: 'services/guardrails/dist/main.js',
    env: {
      KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
      GUARDRAILS_INFERENCE_ADDRESS: `127.0.0.1:${ports.grpc}`,
      GUARDRAILS_HTTP_PORT: ports.guardrails,
      GUARDRAILS_METRICS_PORT: ports.guardrailsMetrics,
      // The demo's own embedded log by default; an operator's (or a test's) database when given.
      GUARDRAILS_AUDIT_DATABASE_URL:
        process.env.GUARDRAILS_AUDIT_DATABASE_URL ?? `pglite:${join(root, '.data/audit-demo')}`,
      GUARDRAILS_COMPLIANCE_TOKENS: complianceToken,
      GUARDRAILS_HARM_MODEL_DIR:
        process.env.GUARDRAILS_HARM_MODEL_DIR ?? join(root, '.data/models/all-minilm-l6-v2-q'),
    },
    ready: 'guardrails ready',
  }),
};

/** Child processes started by `start`, stopped (SIGTERM, newest first) by `stopAll`. */
export function createProcessGroup() {
  const children = [];
  const stopAll = async () => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };
  /** Starts a service and waits for its "ready" log line; its errors are shown, the rest stays quiet. */
  const start = async ({ name, script, env, ready: readyMessage }) => {
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
        // KafkaJS reports a fresh broker's start-up (coordinator loading) as errors and recovers by itself.
        if ((entry.level === 'error' || entry.level === 'fatal') && entry.component !== 'kafkajs') {
          console.error(`  ${name}: ${entry.msg}`);
        }
      });
      child.once('exit', () => resolve(false));
    });
    if (!ready) {
      console.error(`  ${name} did not start (see above)`);
      await stopAll();
      process.exit(1);
    }
    console.log(`  ${name} is up`);
    return child;
  };
  return { start, stopAll, children };
}
