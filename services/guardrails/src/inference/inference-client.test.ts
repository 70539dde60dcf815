// The inference client against a real gRPC server on a socket, whose Generate misbehaves on purpose
// (hangs, or answers UNAVAILABLE): the caller's deadline bounds the calls and the retries.

import { AppError, ErrorCode } from '@aloe/shared/errors';
import { loadInferenceProto } from '@aloe/shared/grpc';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createCircuitBreaker } from './circuit-breaker.js';
import { callDeadline, createInferenceCaller } from './inference-client.js';

type Behaviour = 'hang' | 'unavailable';

/** An Inference server whose Generate hangs (until the client's deadline) or fails at once; it notes each call. */
async function startServer(behaviour: Behaviour) {
  const calls: Array<{ at: number; deadline: number }> = [];
  const server = new grpc.Server();
  const service = loadInferenceProto().aloe.inference.v1.Inference.service;
  server.addService(service, {
    Generate: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      const deadline = call.getDeadline();
      calls.push({
        at: Date.now(),
        deadline: deadline instanceof Date ? deadline.getTime() : Number(deadline),
      });
      if (behaviour === 'unavailable') callback({ code: grpc.status.UNAVAILABLE, details: 'model loading' });
      // 'hang': never answers; the client's deadline ends the call.
    },
  } as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { address: `127.0.0.1:${port}`, calls, close: () => server.forceShutdown() };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function callerFor(
  behaviour: Behaviour,
  retry: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number },
) {
  const server = await startServer(behaviour);
  const caller = createInferenceCaller({
    address: server.address,
    deadlineMs: 60_000,
    retry,
    // Not under test here: a breaker that never opens, so every attempt reaches the server.
    breaker: createCircuitBreaker({ name: 'inference', threshold: 1_000, cooldownMs: 1 }),
  });
  cleanups.push(() => caller.close(), server.close);
  return { caller, calls: server.calls };
}

/** The AppError a call fails with (a call that succeeds fails the test). */
async function failureOf(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

const request = {
  requestId: 'r-1',
  messages: [{ role: 'ROLE_USER' as const, content: 'hello' }],
  maxTokens: 16,
};

describe('the inference client under a caller deadline', () => {
  it('cuts a call that would outlive the deadline, and starts no retry after it', async () => {
    const { caller, calls } = await callerFor('hang', {
      maxAttempts: 10,
      initialDelayMs: 50,
      maxDelayMs: 50,
    });
    const startedAt = Date.now();
    const deadline = startedAt + 800;
    const failure = await failureOf(caller.generate(request, { deadline }));
    const tookMs = Date.now() - startedAt;

    expect(failure.code).toBe(ErrorCode.RetriesExhausted);
    expect((failure.cause as AppError).code).toBe(ErrorCode.DeadlineExceeded);
    // Its own deadline is a minute; the caller's 0.8 s won (the server reckons it from a relative timeout).
    expect(tookMs).toBeGreaterThanOrEqual(750);
    expect(tookMs).toBeLessThan(800 + 300);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.deadline).toBeLessThan(deadline + 100);
  });

  it('retries a failing service only while a retry can start before the deadline', async () => {
    const { caller, calls } = await callerFor('unavailable', {
      maxAttempts: 100,
      initialDelayMs: 100,
      maxDelayMs: 100,
    });
    const startedAt = Date.now();
    const failure = await failureOf(caller.generate(request, { deadline: startedAt + 500 }));
    const tookMs = Date.now() - startedAt;

    expect(failure.code).toBe(ErrorCode.RetriesExhausted);
    expect(failure.details.attempts).toBe(calls.length);
    expect(tookMs).toBeLessThan(500 + 150);
    // Waits of 80–120 ms between fast failures: about four attempts fit in half a second, not a hundred.
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.length).toBeLessThanOrEqual(6);
    for (const call of calls) expect(call.at).toBeLessThan(startedAt + 500);
  });

  it('without a caller deadline keeps its own per-call deadline and number of attempts', async () => {
    const { caller, calls } = await callerFor('unavailable', {
      maxAttempts: 3,
      initialDelayMs: 10,
      maxDelayMs: 10,
    });
    const failure = await failureOf(caller.generate(request));
    expect(failure.details).toEqual({ attempts: 3 });
    expect(calls).toHaveLength(3);
  });
});

describe('callDeadline', () => {
  it('is the sooner of now + the per-call deadline and the caller deadline', () => {
    expect(callDeadline(1_000, 120_000, undefined)).toBe(121_000);
    expect(callDeadline(1_000, 120_000, 50_000)).toBe(50_000);
    expect(callDeadline(1_000, 120_000, 500_000)).toBe(121_000);
  });
});
