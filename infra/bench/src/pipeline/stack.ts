// The real stack for the pipeline bench, as an operator runs it: the sandbox EHR, inference on the
// generated test model, guardrails (audit log in a fresh PGlite directory) and the fhir-adapter, each its
// own `node dist/main.js` process, on free ports and topics of this run's own (KAFKA_TOPIC_PREFIX).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, startServiceProcess } from '@aloe/shared/testing';

export interface Stack {
  fhirBase: string;
  adapterUrl: string;
  topicPrefix: string;
  brokers: string[];
  /** Every JSON log line of each process, in order (the bench reads their timestamps). */
  logs: { ehr: LogLines; inference: LogLines; guardrails: LogLines; adapter: LogLines };
  stop: () => Promise<void>;
}
type LogLines = ServiceProcess['lines'];

/** A port nothing listens on now (the OS picks it; a race with another process is possible but rare). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no free port found');
  return address.port;
}

export async function startStack(options: {
  root: string;
  brokers: string[];
  topicPrefix: string;
}): Promise<Stack> {
  const { root, brokers, topicPrefix } = options;
  const auditDir = await mkdtemp(join(tmpdir(), 'aloe-bench-audit-'));
  const [
    ehrPort,
    adapterPort,
    adapterMetrics,
    grpcPort,
    inferenceMetrics,
    guardrailsPort,
    guardrailsMetrics,
  ] = await Promise.all(Array.from({ length: 7 }, freePort));
  const fhirBase = `http://127.0.0.1:${ehrPort}/fhir/R4`;
  const kafka = {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
  };
  const started: ServiceProcess[] = [];
  const stop = async () => {
    // Newest first: the adapter and guardrails leave their consumer groups before what they call goes.
    for (const service of started.reverse()) {
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGTERM');
      await service.exited;
    }
    await rm(auditDir, { recursive: true, force: true });
  };
  const start = async (script: string, env: Record<string, string>, readyMessage: string) => {
    const service = await startServiceProcess({
      script: join(root, script),
      cwd: root,
      env: { HOME: process.env.HOME ?? tmpdir(), LOG_LEVEL: 'info', ...env },
      readyMessage,
      timeoutMs: 180_000,
    });
    started.push(service);
    return service;
  };
  try {
    const ehr = await start(
      'infra/sandbox-ehr/dist/main.js',
      { SANDBOX_EHR_PORT: String(ehrPort) },
      'listening',
    );
    const inference = await start(
      'services/inference/dist/main.js',
      {
        INFERENCE_GRPC_PORT: String(grpcPort),
        INFERENCE_METRICS_PORT: String(inferenceMetrics),
        INFERENCE_MODELS_DIR: join(root, '.data/models'),
      },
      'serving',
    );
    const guardrails = await start(
      'services/guardrails/dist/main.js',
      {
        ...kafka,
        GUARDRAILS_GROUP_ID: `${topicPrefix}guardrails`,
        GUARDRAILS_INFERENCE_ADDRESS: `127.0.0.1:${grpcPort}`,
        GUARDRAILS_HTTP_PORT: String(guardrailsPort),
        GUARDRAILS_METRICS_PORT: String(guardrailsMetrics),
        GUARDRAILS_AUDIT_DATABASE_URL: `pglite:${auditDir}`,
        GUARDRAILS_COMPLIANCE_TOKENS: randomUUID(),
        GUARDRAILS_HARM_MODEL_DIR: join(root, '.data/models/all-minilm-l6-v2-q'),
      },
      'guardrails ready',
    );
    const adapter = await start(
      'services/fhir-adapter/dist/main.js',
      {
        ...kafka,
        FHIR_ADAPTER_GROUP_ID: `${topicPrefix}fhir-adapter`,
        FHIR_ADAPTER_HTTP_PORT: String(adapterPort),
        FHIR_ADAPTER_PUBLIC_URL: `http://127.0.0.1:${adapterPort}`,
        FHIR_ADAPTER_METRICS_PORT: String(adapterMetrics),
        FHIR_ADAPTER_FHIR_BASE_URL: fhirBase,
      },
      'fhir-adapter ready',
    );
    return {
      fhirBase,
      adapterUrl: `http://127.0.0.1:${adapterPort}`,
      topicPrefix,
      brokers,
      logs: {
        ehr: ehr.lines,
        inference: inference.lines,
        guardrails: guardrails.lines,
        adapter: adapter.lines,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
