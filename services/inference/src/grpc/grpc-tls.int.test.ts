// The inference service over TLS on real sockets: started through createService with its real config
// schema, the generated test model and a throwaway PKI (openssl). Server TLS serves a client that trusts
// the CA and refuses plain text and the wrong trust; mutual TLS also refuses a client without a
// certificate the CA signed; the plain-text health port answers Health and nothing else.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceConfig, loadConfig } from '@aloe/shared/config';
import { ConfigError } from '@aloe/shared/errors';
import { type InferenceClient, loadInferenceProto } from '@aloe/shared/grpc';
import { createLogger } from '@aloe/shared/logging';
import { makeTestCertificates } from '@aloe/shared/testing';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { service as healthService } from 'grpc-health-check';
import { generate, user } from '../../test/inference-harness.js';
import { createService, type InferenceService } from '../create-service.js';
import { makeTestModel } from '../test-model/make-test-model.js';

const pki = makeTestCertificates();
const proto = loadInferenceProto();
const logger = createLogger({ service: 'inference-tls-test', level: 'warn' });
let dir = '';
let modelPath = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aloe-inference-tls-'));
  modelPath = (await makeTestModel({ path: join(dir, 'model.gguf'), template: 'llama3' })).path;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  pki.remove();
});

const baseEnv = () => ({
  LOG_LEVEL: 'warn',
  ALOE_MODEL: modelPath,
  INFERENCE_MODELS_DIR: dir,
  INFERENCE_GRPC_PORT: '0',
  INFERENCE_METRICS_PORT: '0',
  INFERENCE_GPU: 'cpu',
  INFERENCE_THREADS: '1',
  INFERENCE_CONTEXT_SIZE: '2048',
  INFERENCE_PARALLEL_SEQUENCES: '1',
  INFERENCE_SHUTDOWN_TIMEOUT_MS: '2000',
});

async function startInference(env: Record<string, string>): Promise<InferenceService> {
  const service = await createService(loadConfig(InferenceConfig, { ...baseEnv(), ...env }), { logger });
  await service.ready;
  return service;
}

/** Channel credentials trusting `ca`, presenting `cert`/`key` when given. */
function tlsCredentials(ca: string, client?: { cert: string; key: string }) {
  return grpc.credentials.createSsl(
    readFileSync(ca),
    client ? readFileSync(client.key) : null,
    client ? readFileSync(client.cert) : null,
  );
}

const clients: InferenceClient[] = [];
function inferenceClient(port: number, credentials: grpc.ChannelCredentials, serverName = pki.serverName) {
  // The certificate names inference.aloe.test only; the client dials 127.0.0.1 and checks that name.
  const client = new proto.aloe.inference.v1.Inference(
    `127.0.0.1:${port}`,
    credentials,
    serverName ? { 'grpc.ssl_target_name_override': serverName } : {},
  );
  clients.push(client);
  return client;
}
afterAll(() => {
  for (const client of clients) client.close();
});

/** How a short Generate ends: OK when it is served, else the status and its details (why). */
async function outcome(client: InferenceClient): Promise<{ code: grpc.status; details?: string }> {
  return generate(client, { messages: [user('Hi')], maxTokens: 4 }, 5_000).then(
    () => ({ code: grpc.status.OK }),
    (error: grpc.ServiceError) => ({ code: error.code, details: error.details }),
  );
}

const refused = (why: RegExp) => ({ code: grpc.status.UNAVAILABLE, details: expect.stringMatching(why) });

type HealthCheck = (
  request: { service: string },
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response: { status: string }) => void,
) => void;

function healthCheck(port: number): Promise<string> {
  const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
  const health = new Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise<string>((resolve, reject) =>
    (health as unknown as { check: HealthCheck }).check(
      { service: 'aloe.inference.v1.Inference' },
      { deadline: Date.now() + 5_000 },
      (error, response) => (error ? reject(error) : resolve(response.status)),
    ),
  ).finally(() => health.close());
}

const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((candidate) => candidate?.family === 'IPv4' && !candidate.internal)?.address;

describe('inference with server TLS (INFERENCE_GRPC_TLS_CERT_FILE / _KEY_FILE)', () => {
  let service: InferenceService;
  beforeAll(async () => {
    service = await startInference({
      INFERENCE_GRPC_TLS_CERT_FILE: pki.serverCert,
      INFERENCE_GRPC_TLS_KEY_FILE: pki.serverKey,
      INFERENCE_HEALTH_PORT: '0',
      INFERENCE_METRICS_HOST: '0.0.0.0',
    });
  });
  afterAll(() => service.close());

  it('serves a client that trusts the CA and checks the certificate’s name', async () => {
    const client = inferenceClient(service.grpcPort, tlsCredentials(pki.caCert));
    const response = await generate(client, { messages: [user('Hi')], maxTokens: 4 });
    expect(response.model?.testModel).toBe(true);
  });

  it('refuses a plain-text client, a client that trusts another CA, and one that checks another name', async () => {
    // The server drops a connection that does not start a TLS handshake.
    expect(await outcome(inferenceClient(service.grpcPort, grpc.credentials.createInsecure(), ''))).toEqual(
      refused(/Failed to connect/),
    );
    expect(await outcome(inferenceClient(service.grpcPort, tlsCredentials(pki.otherCaCert)))).toEqual(
      refused(/unable to verify the first certificate/),
    );
    // Dialling 127.0.0.1 without the server name: the certificate does not name 127.0.0.1.
    expect(await outcome(inferenceClient(service.grpcPort, tlsCredentials(pki.caCert), ''))).toEqual(
      refused(/does not match certificate's altnames/),
    );
  });

  it('answers Health in plain text on INFERENCE_HEALTH_PORT, and nothing else there', async () => {
    const healthPort = service.healthPort;
    if (healthPort === undefined) throw new Error('no health port');
    expect(healthPort).not.toBe(service.grpcPort);
    expect(await healthCheck(healthPort)).toBe('SERVING');
    // The TLS port does not answer plain-text Health: the probe needs the health port.
    await expect(healthCheck(service.grpcPort)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(await outcome(inferenceClient(healthPort, grpc.credentials.createInsecure(), ''))).toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
    });
  });

  it('puts /metrics on INFERENCE_METRICS_HOST, apart from the gRPC host', async () => {
    expect(service.metricsHost).toBe('0.0.0.0');
    const target = externalAddress ?? '127.0.0.1';
    const metrics = await (await fetch(`http://${target}:${service.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(
      /aloe_inference_requests_total\{method="Generate",status="OK",service="inference"\} 1/,
    );
    // gRPC stays on INFERENCE_HOST (127.0.0.1): not reachable from another address.
    if (externalAddress) {
      const outside = new proto.aloe.inference.v1.Inference(
        `${externalAddress}:${service.grpcPort}`,
        tlsCredentials(pki.caCert),
        { 'grpc.ssl_target_name_override': pki.serverName },
      );
      clients.push(outside);
      expect(await outcome(outside)).toEqual(refused(/ECONNREFUSED/));
    }
  });
});

describe('inference with mutual TLS (INFERENCE_GRPC_TLS_CLIENT_CA_FILE)', () => {
  let service: InferenceService;
  beforeAll(async () => {
    service = await startInference({
      INFERENCE_GRPC_TLS_CERT_FILE: pki.serverCert,
      INFERENCE_GRPC_TLS_KEY_FILE: pki.serverKey,
      INFERENCE_GRPC_TLS_CLIENT_CA_FILE: pki.caCert,
    });
  });
  afterAll(() => service.close());

  it('serves a client with a certificate the CA signed', async () => {
    const client = inferenceClient(
      service.grpcPort,
      tlsCredentials(pki.caCert, { cert: pki.clientCert, key: pki.clientKey }),
    );
    expect(await outcome(client)).toEqual({ code: grpc.status.OK });
  });

  it('refuses a client without a certificate, or with one another CA signed', async () => {
    expect(await outcome(inferenceClient(service.grpcPort, tlsCredentials(pki.caCert)))).toEqual(
      refused(/certificate required/),
    );
    // The server's refusal of a certificate it cannot verify ends the handshake (no reason the client can read).
    const stranger = tlsCredentials(pki.caCert, { cert: pki.otherClientCert, key: pki.otherClientKey });
    expect(await outcome(inferenceClient(service.grpcPort, stranger))).toEqual(refused(/Failed to connect/));
  });
});

describe('inference start-up with TLS files it cannot use', () => {
  it('stops with a ConfigError naming each variable, before it listens', async () => {
    const missing = join(pki.dir, 'missing.crt');
    const started = createService(
      loadConfig(InferenceConfig, {
        ...baseEnv(),
        INFERENCE_GRPC_TLS_CERT_FILE: pki.serverCert,
        INFERENCE_GRPC_TLS_KEY_FILE: pki.clientKey,
        INFERENCE_GRPC_TLS_CLIENT_CA_FILE: missing,
      }),
      { logger },
    );
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toMatchObject({
      problems: [
        `INFERENCE_GRPC_TLS_KEY_FILE: the key in ${pki.clientKey} does not belong to the certificate in ${pki.serverCert} (INFERENCE_GRPC_TLS_CERT_FILE)`,
        `INFERENCE_GRPC_TLS_CLIENT_CA_FILE: cannot read ${missing} (no such file)`,
      ],
    });
  });

  it('makes the process exit 78 (EX_CONFIG), naming the variable, as a bad variable does', () => {
    const missing = join(pki.dir, 'missing.crt');
    const result = spawnSync(
      process.execPath,
      [fileURLToPath(new URL('../../dist/main.js', import.meta.url))],
      {
        env: {
          PATH: process.env.PATH,
          INFERENCE_GRPC_PORT: '0',
          INFERENCE_METRICS_PORT: '0',
          INFERENCE_GRPC_TLS_CERT_FILE: missing,
          INFERENCE_GRPC_TLS_KEY_FILE: pki.serverKey,
        },
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('inference: cannot start.');
    expect(result.stderr).toContain(`INFERENCE_GRPC_TLS_CERT_FILE: cannot read ${missing} (no such file)`);
  });
});
