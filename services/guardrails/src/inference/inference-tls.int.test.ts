// The guardrails' inference client over mutual TLS, against the real inference service as its own
// process (its built main.js, the generated test model) started with INFERENCE_GRPC_TLS_* and a
// throwaway PKI (openssl); the client's settings come from GUARDRAILS_INFERENCE_TLS_* through the real
// config schema.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuardrailsConfig, loadConfig } from '@aloe/shared/config';
import { AppError, ConfigError, ErrorCode } from '@aloe/shared/errors';
import { makeTestCertificates, type ServiceProcess, startServiceProcess } from '@aloe/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCircuitBreaker } from './circuit-breaker.js';
import { createInferenceCaller, type InferenceCaller } from './inference-client.js';

const pki = makeTestCertificates();
let modelsDir = '';
let inference: ServiceProcess;
let address = '';

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'aloe-guardrails-tls-'));
  inference = await startServiceProcess({
    script: fileURLToPath(new URL('../../../inference/dist/main.js', import.meta.url)),
    readyMessage: 'serving',
    timeoutMs: 120_000,
    env: {
      INFERENCE_GRPC_PORT: '0',
      INFERENCE_METRICS_PORT: '0',
      INFERENCE_MODELS_DIR: modelsDir,
      INFERENCE_PARALLEL_SEQUENCES: '1',
      INFERENCE_GRPC_TLS_CERT_FILE: pki.serverCert,
      INFERENCE_GRPC_TLS_KEY_FILE: pki.serverKey,
      INFERENCE_GRPC_TLS_CLIENT_CA_FILE: pki.caCert,
    },
  });
  const listening = inference.lines.find((line) => line.msg === 'gRPC server listening; loading the model');
  expect(listening?.tls).toBe('mutual');
  address = `127.0.0.1:${String(listening?.port)}`;
});
afterAll(async () => {
  inference?.child.kill('SIGTERM');
  await inference?.exited;
  await rm(modelsDir, { recursive: true, force: true });
  pki.remove();
});

const callers: InferenceCaller[] = [];
afterAll(() => {
  for (const caller of callers) caller.close();
});

/** A caller configured as the service configures it: from GUARDRAILS_* variables through the schema. */
function callerFrom(env: Record<string, string>): InferenceCaller {
  const config = loadConfig(GuardrailsConfig, { GUARDRAILS_INFERENCE_ADDRESS: address, ...env });
  const caller = createInferenceCaller({
    address: config.inference.address,
    deadlineMs: 20_000,
    tls: config.inference.tls,
    // One attempt, and a breaker that never opens: each call shows what the channel does.
    retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 },
    breaker: createCircuitBreaker({ name: 'inference', threshold: 1_000, cooldownMs: 1 }),
  });
  callers.push(caller);
  return caller;
}

const request = {
  requestId: 'tls-1',
  messages: [{ role: 'ROLE_USER' as const, content: 'Hi' }],
  maxTokens: 4,
};

async function failureOf(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('the inference client with GUARDRAILS_INFERENCE_TLS_*', () => {
  const mutual = () => ({
    GUARDRAILS_INFERENCE_TLS_CA_FILE: pki.caCert,
    GUARDRAILS_INFERENCE_TLS_CERT_FILE: pki.clientCert,
    GUARDRAILS_INFERENCE_TLS_KEY_FILE: pki.clientKey,
    GUARDRAILS_INFERENCE_TLS_SERVER_NAME: pki.serverName,
  });

  it('is served over mutual TLS with the CA, its client certificate and the server name', async () => {
    const response = await callerFrom(mutual()).generate(request);
    expect(response.model?.testModel).toBe(true);
    expect(response.usage?.completionTokens).toBeGreaterThan(0);
  });

  it('is refused (UNAVAILABLE, retriable) in plain text, without a client certificate, or checking another name', async () => {
    const { GUARDRAILS_INFERENCE_TLS_SERVER_NAME: _, ...withoutName } = mutual();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /Failed to connect/],
      [
        {
          GUARDRAILS_INFERENCE_TLS_CA_FILE: pki.caCert,
          GUARDRAILS_INFERENCE_TLS_SERVER_NAME: pki.serverName,
        },
        /certificate required/,
      ],
      [withoutName, /does not match certificate's altnames/],
    ];
    for (const [env, why] of cases) {
      const error = await failureOf(callerFrom(env).generate(request));
      // One attempt made: the retrier's verdict wraps the call's own error.
      expect(error).toMatchObject({ code: ErrorCode.RetriesExhausted, retriable: true });
      expect(error.cause).toMatchObject({ code: ErrorCode.Unavailable, retriable: true });
      expect(error.message).toMatch(why);
    }
  });

  it('stops start-up with a ConfigError naming the variable when a file cannot be used', () => {
    const missing = join(pki.dir, 'missing-ca.crt');
    expect(() => callerFrom({ ...mutual(), GUARDRAILS_INFERENCE_TLS_CA_FILE: missing })).toThrow(ConfigError);
    expect(() => callerFrom({ ...mutual(), GUARDRAILS_INFERENCE_TLS_KEY_FILE: pki.serverKey })).toThrow(
      `GUARDRAILS_INFERENCE_TLS_KEY_FILE: the key in ${pki.serverKey} does not belong to the certificate in ${pki.clientCert} (GUARDRAILS_INFERENCE_TLS_CERT_FILE)`,
    );
  });
});
