// Issue #14: a request too big for the model is refused at once (INVALID_ARGUMENT, bytes before tokens),
// and no request, however big, stalls the event loop: health and /metrics answer while it is handled.
// Real gRPC over sockets, the project's test model (byte-level: one token per byte of text).
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { INFERENCE_MAX_PROMPT_BYTES_LIMIT } from '@aloe/shared/config';
import { type GenerateRequest, INFERENCE_SERVICE_NAME, loadInferenceProto } from '@aloe/shared/grpc';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { service as healthService } from 'grpc-health-check';
import { generate, type Harness, startHarness, user } from '../../test/inference-harness.js';

type HealthCheck = (
  request: { service: string },
  options: { deadline: number },
  callback: (error: Error | null, response: { status: string }) => void,
) => void;

/** Health checks and /metrics scrapes, timed, every `everyMs` until stopped. */
function probeWhile(harness: Harness, everyMs = 25) {
  const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
  const health = new Health(`127.0.0.1:${harness.service.grpcPort}`, grpc.credentials.createInsecure());
  const healthMs: number[] = [];
  const metricsMs: number[] = [];
  const statuses = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const status = await new Promise<string>((resolve, reject) =>
        (health as unknown as { check: HealthCheck }).check(
          { service: INFERENCE_SERVICE_NAME },
          { deadline: Date.now() + 5_000 },
          (error, response) => (error ? reject(error) : resolve(response.status)),
        ),
      );
      healthMs.push(performance.now() - started);
      statuses.add(status);
      const scrapeStarted = performance.now();
      await (await fetch(`http://127.0.0.1:${harness.service.metricsPort}/metrics`)).text();
      metricsMs.push(performance.now() - scrapeStarted);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      health.close();
      return { healthMs, metricsMs, statuses };
    },
  };
}

/**
 * Sends a Generate whose bytes were encoded beforehand, so the test's own protobuf encoding of a
 * multi-megabyte message is not counted against the service's event loop (they share this process).
 */
function generateEncoded(harness: Harness, request: GenerateRequest) {
  const method = loadInferenceProto().aloe.inference.v1.Inference.service.Generate;
  const bytes = method.requestSerialize(request as never);
  const client = new grpc.Client(`127.0.0.1:${harness.service.grpcPort}`, grpc.credentials.createInsecure());
  const send = () =>
    new Promise<grpc.ServiceError | undefined>((resolve) => {
      client.makeUnaryRequest(
        method.path,
        (buffer: Buffer) => buffer,
        method.responseDeserialize,
        bytes,
        { deadline: Date.now() + 60_000 },
        (error) => resolve(error ?? undefined),
      );
    });
  return { bytes: bytes.length, send, close: () => client.close() };
}

const text = (bytes: number) =>
  'Patient reports chest pain radiating to the left arm. '.repeat(bytes / 50).slice(0, bytes);

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness(); // context 8,192 tokens: the byte bound is 65,536
});
afterAll(async () => {
  await harness.close();
});

describe('a request too big for the model', () => {
  it('of 7.9 MB (40 messages of 200,000 characters) is INVALID_ARGUMENT within a second, and health stays SERVING', async () => {
    const request = generateEncoded(harness, {
      messages: Array.from({ length: 40 }, () => user('x'.repeat(200_000))),
    });
    expect(request.bytes).toBeGreaterThan(7_900_000);
    const tokensBefore = await harness.metric('aloe_inference_generated_tokens_total');
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const probes = probeWhile(harness);
    delay.enable();
    const started = performance.now();
    const error = await request.send();
    const refusedMs = performance.now() - started;
    delay.disable();
    const { healthMs, statuses } = await probes.stop();
    request.close();
    console.info(
      `7.9 MB request refused in ${refusedMs.toFixed(0)} ms; event loop max delay ${(delay.max / 1e6).toFixed(1)} ms; health checks ${healthMs.length}, slowest ${Math.max(...healthMs).toFixed(0)} ms`,
    );
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toBe(
      "messages: the request carries 8,000,000 bytes of text; at most 65,536 bytes are accepted (this model's context holds 8,192 tokens)",
    );
    expect(refusedMs).toBeLessThan(1_000);
    expect([...statuses]).toEqual(['SERVING']);
    expect(await harness.metric('aloe_inference_generated_tokens_total')).toBe(tokensBefore);
  });

  it('under the byte bound but over the token budget is INVALID_ARGUMENT naming the tokens', async () => {
    const error = await generate(harness.client, { messages: [user(text(30_000))] }).catch(
      (e: grpc.ServiceError) => e,
    );
    expect((error as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((error as grpc.ServiceError).details).toMatch(
      /^messages: the rendered prompt is 30,\d{3} tokens and max_tokens is 256; this model's context holds 8,192 tokens per sequence, so with this max_tokens the prompt may be at most 7,936 tokens$/,
    );
  });

  it('counts max_tokens against the context: a prompt that fits with a small answer is refused with a large one', async () => {
    const messages = [user(text(6_000))];
    const refused = await generate(harness.client, { messages, maxTokens: 4_000 }).catch(
      (e: grpc.ServiceError) => e,
    );
    expect((refused as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((refused as grpc.ServiceError).details).toMatch(
      /and max_tokens is 4,000; .* at most 4,192 tokens$/,
    );
    const served = await generate(harness.client, { messages, maxTokens: 8 });
    expect(served.usage?.promptTokens).toBeGreaterThan(6_000);
    expect(served.usage?.completionTokens).toBeGreaterThan(0);
    const tooLong = await generate(harness.client, { messages: [user('q')], maxTokens: 8_192 }).catch(
      (e: grpc.ServiceError) => e,
    );
    expect((tooLong as grpc.ServiceError).details).toBe(
      "max_tokens: 8,192 leaves no room for a prompt; this model's context holds 8,192 tokens per sequence",
    );
  });

  it('counts the multiple-choice question of CHOICE_SHUFFLE_ENSEMBLE too', async () => {
    const error = await generate(harness.client, {
      strategy: 'STRATEGY_CHOICE_SHUFFLE_ENSEMBLE',
      multipleChoice: {
        question: text(20_000),
        options: [
          { key: 'A', text: 'yes' },
          { key: 'B', text: 'no' },
        ],
      },
    }).catch((e: grpc.ServiceError) => e);
    expect((error as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((error as grpc.ServiceError).details).toMatch(/rendered prompt is 20,\d{3} tokens/);
  });
});

describe('the event loop while a request of the largest allowed size is handled', () => {
  it('keeps health and /metrics prompt while the most text a request may carry is tokenized', async () => {
    // The largest bound the configuration accepts: 7 MiB of text to tokenize before the refusal.
    const wide = await startHarness({ maxPromptBytes: INFERENCE_MAX_PROMPT_BYTES_LIMIT, sequences: 1 });
    try {
      const request = generateEncoded(wide, {
        messages: Array.from({ length: 36 }, () => user(text(200_000))),
      });
      const delay = monitorEventLoopDelay({ resolution: 10 });
      const probes = probeWhile(wide);
      delay.enable();
      const utilisationBefore = performance.eventLoopUtilization();
      const started = performance.now();
      const error = await request.send();
      const handledMs = performance.now() - started;
      // The share of the time the event loop was busy: tokenizing on it would make it nearly 1.
      const busy = performance.eventLoopUtilization(utilisationBefore).utilization;
      delay.disable();
      const { healthMs, metricsMs, statuses } = await probes.stop();
      request.close();
      console.info(
        `7.2 MB request tokenized and refused in ${handledMs.toFixed(0)} ms; event loop busy ${(busy * 100).toFixed(0)}% of it, max delay ${(delay.max / 1e6).toFixed(1)} ms; ${healthMs.length} health checks, slowest ${Math.max(...healthMs).toFixed(0)} ms; slowest /metrics ${Math.max(...metricsMs).toFixed(0)} ms`,
      );
      expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(error?.details).toMatch(/rendered prompt is 7,200,\d{3} tokens/);
      expect([...statuses]).toEqual(['SERVING']);
      expect(healthMs.length).toBeGreaterThan(5);
      expect(Math.max(...healthMs)).toBeLessThan(500);
      expect(Math.max(...metricsMs)).toBeLessThan(500);
      expect(delay.max / 1e6).toBeLessThan(250);
      expect(busy).toBeLessThan(0.5);
    } finally {
      await wide.close();
    }
  });

  it('keeps health prompt while a prompt filling the context is evaluated and generated', async () => {
    const request = generateEncoded(harness, {
      messages: [user(text(7_300))],
      maxTokens: 512,
    });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const probes = probeWhile(harness);
    delay.enable();
    const started = performance.now();
    const error = await request.send();
    const handledMs = performance.now() - started;
    delay.disable();
    const { healthMs, statuses } = await probes.stop();
    request.close();
    console.info(
      `7,300-byte prompt + 512 tokens generated in ${handledMs.toFixed(0)} ms; event loop max delay ${(delay.max / 1e6).toFixed(1)} ms; ${healthMs.length} health checks, slowest ${Math.max(...healthMs).toFixed(0)} ms`,
    );
    expect(error).toBeUndefined();
    expect([...statuses]).toEqual(['SERVING']);
    expect(Math.max(...healthMs)).toBeLessThan(500);
    expect(delay.max / 1e6).toBeLessThan(250);
  });
});
