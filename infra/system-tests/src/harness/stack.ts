import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot, Service } from './service.js';

/**
 * The processes of the pipeline as the system tests start them: each built entry point with the
 * environment every test needs (ports chosen by the OS, the test model, direct answers), plus what the
 * test adds (`env`). One definition, so a new required variable is added once.
 */
type Env = Record<string, string>;

export function sandboxEhrService(): Service {
  return new Service('sandbox EHR', {
    script: 'infra/sandbox-ehr/dist/main.js',
    env: { SANDBOX_EHR_PORT: '0' },
    readyMessage: 'listening',
  });
}

export function inferenceService(env: Env = {}): Service {
  return new Service('inference', {
    script: 'services/inference/dist/main.js',
    env: {
      INFERENCE_GRPC_PORT: '0',
      INFERENCE_METRICS_PORT: '0',
      INFERENCE_MODELS_DIR: process.env.INFERENCE_MODELS_DIR ?? join(repoRoot, '.data/models'),
      ...env,
    },
    readyMessage: 'serving',
  });
}

/** The gRPC and metrics ports a started inference service logged. */
export function inferencePorts(inference: Service): { grpcPort: number; metricsPort: number } {
  const line = inference.lines().find((logged) => logged.msg === 'gRPC server listening; loading the model');
  if (!line) throw new Error('inference has not logged its ports: start it first');
  return { grpcPort: line.port as number, metricsPort: line.metricsPort as number };
}

export function guardrailsService(
  name: string,
  options: { runId: string; inferenceGrpcPort: number; auditDatabaseUrl: string; env?: Env },
): Service {
  return new Service(name, {
    script: 'services/guardrails/dist/main.js',
    env: {
      GUARDRAILS_GROUP_ID: `${options.runId}-guardrails`,
      GUARDRAILS_HTTP_PORT: '0',
      GUARDRAILS_METRICS_PORT: '0',
      GUARDRAILS_INFERENCE_ADDRESS: `127.0.0.1:${options.inferenceGrpcPort}`,
      GUARDRAILS_AUDIT_DATABASE_URL: options.auditDatabaseUrl,
      // The plumbing is under test, not the reasoning: one direct answer per context (the default chain
      // of thought doubles the test model's tokens per context).
      GUARDRAILS_STRATEGIES: 'medication-safety=direct',
      GUARDRAILS_HARM_MODEL_DIR:
        process.env.GUARDRAILS_HARM_MODEL_DIR ?? join(repoRoot, '.data/models/all-minilm-l6-v2-q'),
      ...options.env,
    },
    readyMessage: 'guardrails ready',
  });
}

export function fhirAdapterService(options: {
  runId: string;
  /** Fixed by the test, so a restarted adapter keeps the address the EHR calls. */
  httpPort: number;
  fhirBase: string;
  apiToken: string;
  env?: Env;
}): Service {
  return new Service('fhir-adapter', {
    script: 'services/fhir-adapter/dist/main.js',
    env: {
      FHIR_ADAPTER_GROUP_ID: `${options.runId}-fhir-adapter`,
      FHIR_ADAPTER_HTTP_PORT: String(options.httpPort),
      FHIR_ADAPTER_PUBLIC_URL: `http://127.0.0.1:${options.httpPort}`,
      FHIR_ADAPTER_METRICS_PORT: '0',
      FHIR_ADAPTER_FHIR_BASE_URL: options.fhirBase,
      FHIR_ADAPTER_API_TOKEN: options.apiToken,
      FHIR_ADAPTER_PSEUDONYM_KEY: randomBytes(32).toString('hex'),
      ...options.env,
    },
    readyMessage: 'fhir-adapter ready',
  });
}
