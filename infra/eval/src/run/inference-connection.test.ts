// The client's retry rules against a real gRPC server on a socket. Its Generate answers with the
// statuses a loaded service gives (a full queue, a bad request) on demand: making the real queue overflow
// at a chosen moment would need long generations and timing luck.
import { type GenerateResponse, type InferenceHandlers, loadInferenceProto } from '@aloe/shared/grpc';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectInference, InferenceCallError } from './inference-connection.js';

/** What the server answers next, one per call; after the script: OK. */
let script: Array<{ code: grpc.status; retryAfterMs?: number }> = [];
let calls = 0;
let server: grpc.Server;
let address: string;

beforeAll(async () => {
  const proto = loadInferenceProto();
  server = new grpc.Server();
  const handlers: Partial<InferenceHandlers> = {
    Generate(_call, callback) {
      calls++;
      const next = script.shift();
      if (!next) {
        callback(null, { text: 'Answer: [B]', strategyResult: { answer: 'B' } } satisfies GenerateResponse);
        return;
      }
      const metadata = new grpc.Metadata();
      if (next.retryAfterMs !== undefined) metadata.set('retry-after-ms', String(next.retryAfterMs));
      callback({ code: next.code, details: `scripted ${grpc.status[next.code]}`, metadata });
    },
  };
  server.addService(proto.aloe.inference.v1.Inference.service, handlers as InferenceHandlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  address = `127.0.0.1:${port}`;
});

afterAll(() => server.forceShutdown());

const ask = (options: Parameters<typeof connectInference>[0]) => {
  const connection = connectInference(options);
  const started = Date.now();
  return connection
    .generate({ messages: [] }, { deadlineMs: 5_000 })
    .then(
      (response) => ({ response, error: undefined }),
      (error: unknown) => ({ response: undefined, error: error as InferenceCallError }),
    )
    .then((outcome) => ({ ...outcome, ms: Date.now() - started, sent: connection.generateCalls }))
    .finally(() => connection.close());
};

describe('connectInference', () => {
  it('waits the retry-after-ms a full queue asks for, then succeeds', async () => {
    script = [
      { code: grpc.status.RESOURCE_EXHAUSTED, retryAfterMs: 150 },
      { code: grpc.status.RESOURCE_EXHAUSTED, retryAfterMs: 150 },
    ];
    calls = 0;
    const outcome = await ask({ address, initialRetryDelayMs: 1 });
    expect(outcome.response?.strategyResult?.answer).toBe('B');
    expect(calls).toBe(3);
    expect(outcome.sent).toBe(3);
    expect(outcome.ms).toBeGreaterThanOrEqual(290);
  });

  it('caps a long retry-after-ms and retries UNAVAILABLE with backoff', async () => {
    script = [
      { code: grpc.status.RESOURCE_EXHAUSTED, retryAfterMs: 60_000 },
      { code: grpc.status.UNAVAILABLE },
    ];
    const outcome = await ask({ address, initialRetryDelayMs: 10, maxRetryDelayMs: 50 });
    expect(outcome.response?.strategyResult?.answer).toBe('B');
    expect(outcome.ms).toBeLessThan(2_000);
  });

  it('gives up after its attempts, naming the status and the count', async () => {
    script = Array.from({ length: 5 }, () => ({ code: grpc.status.UNAVAILABLE }));
    const outcome = await ask({ address, maxAttempts: 3, initialRetryDelayMs: 1 });
    expect(outcome.error).toBeInstanceOf(InferenceCallError);
    expect(outcome.error?.message).toMatch(
      /^Generate failed with UNAVAILABLE after 3 attempts: scripted UNAVAILABLE/,
    );
    expect(outcome.sent).toBe(3);
    script = [];
  });

  it('fails at once on any other status', async () => {
    script = [{ code: grpc.status.INVALID_ARGUMENT }];
    calls = 0;
    const outcome = await ask({ address, initialRetryDelayMs: 1 });
    expect(outcome.error?.status).toBe('INVALID_ARGUMENT');
    expect(outcome.error?.message).toBe('Generate failed with INVALID_ARGUMENT: scripted INVALID_ARGUMENT');
    expect(calls).toBe(1);
  });
});
