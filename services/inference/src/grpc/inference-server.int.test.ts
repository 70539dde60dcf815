// The inference service over a real gRPC socket, on the project's test model (real llama.cpp).
// Assertions are about behaviour that does not depend on weights: schemas, streaming, cancellation,
// queueing, deadlines, status codes, health and concurrency.

import { grammarJsonSchema, modelOutputFor } from '@aloe/shared/schemas';
import { waitFor } from '@aloe/shared/testing';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { service as healthService } from 'grpc-health-check';
import { generate, generateStream, type Harness, startHarness, user } from '../../test/inference-harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

const ajv = new Ajv({ strict: false });

type HealthCheck = (
  request: { service: string },
  callback: (error: Error | null, response: { status: string }) => void,
) => void;

const schemas = {
  'an enum answer': {
    type: 'object',
    properties: { answer: { enum: ['yes', 'no', 'maybe'] }, certain: { type: 'boolean' } },
  },
  // The guardrails' output contract, as they narrow it for one context (packages/shared).
  'the model output contract for a context': grammarJsonSchema(
    modelOutputFor({
      citable: ['Patient/p1', 'MedicationRequest/warfarin-1', 'Observation/inr-1', 'Condition/ckd-3'],
      medications: ['MedicationRequest/warfarin-1'],
      drugs: ['acetaminophen', 'ibuprofen', 'naproxen'],
      kinds: ['medication-safety', 'care-gap'],
    }),
  ),
  'a bounded list of integers': { type: 'array', items: { type: 'integer' }, maxItems: 4 },
};

describe('Generate with a JSON schema', () => {
  it.each(Object.entries(schemas))(
    'returns output valid for %s, parsed and validated',
    async (_name, schema) => {
      const response = await generate(harness.client, {
        messages: [user('Review the medication list.')],
        jsonSchema: JSON.stringify(schema),
        // The contract bounds every string and list: the whole answer fits 4,096 byte tokens.
        maxTokens: 4096,
        sampling: { temperature: 0.8, seed: 11 },
      });
      expect(response.stopReason).toBe('STOP_REASON_EOG');
      const output = JSON.parse(response.json);
      const valid = ajv.validate(schema, output);
      expect(ajv.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
      expect(JSON.parse(response.text)).toEqual(output);
      expect(response.usage?.completionTokens).toBeGreaterThan(0);
    },
  );

  it('fails with FAILED_PRECONDITION, not partial JSON, when max_tokens cuts the output', async () => {
    const error = await generate(harness.client, {
      messages: [user('List everything.')],
      jsonSchema: JSON.stringify(schemas['the model output contract for a context']),
      maxTokens: 4,
    }).catch((e: grpc.ServiceError) => e);
    expect((error as grpc.ServiceError).code).toBe(grpc.status.FAILED_PRECONDITION);
    expect((error as grpc.ServiceError).details).toMatch(/max_tokens \(4\)/);
  });

  it('attaches the model identity, labelled as the test model, to every response', async () => {
    const response = await generate(harness.client, { messages: [user('Hi')], maxTokens: 8 });
    expect(response.model).toMatchObject({
      architecture: 'llama',
      quantization: 'Q8_0',
      chatTemplate: expect.stringMatching(/^llama-3-instruct@sha256:[0-9a-f]{12}$/),
      testModel: true,
    });
    expect(response.model?.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(response.model?.name).toContain('TEST MODEL');
    const info = await new Promise<unknown>((resolve, reject) =>
      harness.client.GetModelInfo({}, (e, r) => (e ? reject(e) : resolve(r))),
    );
    expect(info).toMatchObject({
      identity: response.model,
      parallelSequences: 2,
      backend: 'cpu',
      threads: 1,
    });
  });

  it('reports STOP_REASON_MAX_TOKENS for free text cut by max_tokens', async () => {
    const response = await generate(harness.client, {
      messages: [user('Talk.')],
      maxTokens: 12,
      sampling: { seed: 1 },
    });
    expect(response.stopReason).toBe('STOP_REASON_MAX_TOKENS');
    expect(response.usage?.completionTokens).toBe(12);
  });
});

describe('inference strategies over gRPC', () => {
  it('SELF_CONSISTENCY returns N samples and the vote counts', async () => {
    const response = await generate(harness.client, {
      messages: [user('Is warfarin an anticoagulant?')],
      jsonSchema: JSON.stringify(schemas['an enum answer']),
      strategy: 'STRATEGY_SELF_CONSISTENCY',
      samples: 4,
      // Each sample reasons first (up to 600 characters) in a field of its own.
      maxTokens: 1_000,
      sampling: { seed: 3 },
    });
    const result = response.strategyResult!;
    expect(result.strategy).toBe('STRATEGY_SELF_CONSISTENCY');
    expect(result.samples).toHaveLength(4);
    expect(result.votes.reduce((sum, vote) => sum + vote.count, 0)).toBe(4);
    expect(result.answer).toBe(result.votes[0]?.answer);
    expect(JSON.parse(response.json).answer).toBe(result.answer);
  });

  it('CHAIN_OF_THOUGHT with a JSON schema returns the answer in the schema and the reasoning in the text', async () => {
    const schema = schemas['the model output contract for a context'];
    const response = await generate(harness.client, {
      messages: [user('Review the medication list.')],
      jsonSchema: JSON.stringify(schema),
      strategy: 'STRATEGY_CHAIN_OF_THOUGHT',
      maxTokens: 4096,
      sampling: { seed: 7 },
    });
    const output = JSON.parse(response.json);
    expect(ajv.validate(schema, output)).toBe(true);
    expect(Object.keys(output)).toEqual(['suggestions']);
    const full = JSON.parse(response.text) as { reasoning: string; answer: unknown };
    expect(typeof full.reasoning).toBe('string');
    expect(full.answer).toEqual(output);
  });

  it('CHOICE_SHUFFLE_ENSEMBLE answers with an original option key', async () => {
    const options = ['warfarin', 'heparin', 'apixaban', 'paracetamol'].map((text, i) => ({
      key: 'ABCD'[i]!,
      text,
    }));
    const response = await generate(harness.client, {
      strategy: 'STRATEGY_CHOICE_SHUFFLE_ENSEMBLE',
      samples: 4,
      multipleChoice: { question: 'Which is not an anticoagulant?', options },
      jsonSchema: JSON.stringify({ type: 'object', properties: { answer: { enum: ['A', 'B', 'C', 'D'] } } }),
      maxTokens: 100,
      sampling: { seed: 9 },
    });
    const result = response.strategyResult!;
    expect(result.samples).toHaveLength(4);
    expect(result.samples.every((sample) => ['A', 'B', 'C', 'D'].includes(sample.answer))).toBe(true);
    expect(['A', 'B', 'C', 'D']).toContain(result.answer);
    expect(result.votes.reduce((sum, vote) => sum + vote.count, 0)).toBe(4);
  });
});

describe('GenerateStream', () => {
  it('sends the text deltas in order, then one final chunk with the whole response', async () => {
    const { done } = generateStream(harness.client, {
      messages: [user('Summarise.')],
      maxTokens: 60,
      sampling: { temperature: 0.9, seed: 5 },
    });
    const chunks = await done;
    const last = chunks.at(-1);
    expect(last?.chunk).toBe('final');
    const deltas = chunks.slice(0, -1);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((chunk) => chunk.chunk === 'textDelta')).toBe(true);
    expect(deltas.map((chunk) => chunk.textDelta).join('')).toBe(last?.final?.text);
  });

  it('stops generating when the client cancels, and frees the sequence', async () => {
    const { call, chunks, done } = generateStream(harness.client, {
      messages: [user('Write at length.')],
      maxTokens: 3_000,
      sampling: { seed: 2 },
    });
    await waitFor(() => chunks.length >= 20, { what: '20 chunks' });
    call.cancel();
    await expect(done).rejects.toMatchObject({ code: grpc.status.CANCELLED });
    await waitFor(async () => (await harness.metric('aloe_inference_busy_sequences')) === 0, {
      what: 'the sequence to be free',
    });
    const before = await harness.metric('aloe_inference_generated_tokens_total');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.metric('aloe_inference_generated_tokens_total')).toBe(before);
    // And the freed sequence serves the next request.
    const next = await generate(harness.client, { messages: [user('Hi')], maxTokens: 8 });
    expect(next.usage?.completionTokens).toBeGreaterThan(0);
  });
});

describe('errors', () => {
  it('answers DEADLINE_EXCEEDED when the deadline passes, and stops generating', async () => {
    const error = await generate(
      harness.client,
      { messages: [user('Write at length.')], maxTokens: 3_000 },
      300,
    ).catch((e: grpc.ServiceError) => e);
    expect((error as grpc.ServiceError).code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await waitFor(async () => (await harness.metric('aloe_inference_busy_sequences')) === 0, {
      what: 'generation to stop',
      timeoutMs: 2_000,
    });
  });

  it.each([
    ['no messages', { messages: [] }, /messages: at least one message is required/],
    [
      'a last message not from the user',
      { messages: [user('q'), { role: 'ROLE_ASSISTANT', content: 'a' }] },
      /last message must have ROLE_USER/,
    ],
    [
      'an unspecified role',
      { messages: [{ role: 'ROLE_UNSPECIFIED', content: 'x' }] },
      /messages\[0\]\.role: must be ROLE_SYSTEM/,
    ],
    [
      'a schema that is not JSON',
      { messages: [user('q')], jsonSchema: '{type: object' },
      /json_schema: not valid JSON/,
    ],
    [
      'a schema that is not a JSON Schema',
      { messages: [user('q')], jsonSchema: '{"type":"frobnicate"}' },
      /json_schema: not a valid JSON Schema .*type/,
    ],
    [
      'a schema whose $ref points at nothing',
      {
        messages: [user('q')],
        jsonSchema: '{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}',
      },
      /json_schema: not a valid JSON Schema .*missing/,
    ],
    [
      'a temperature out of range',
      { messages: [user('q')], sampling: { temperature: 7 } },
      /sampling\.temperature/,
    ],
    [
      'choice shuffle without a question',
      { strategy: 'STRATEGY_CHOICE_SHUFFLE_ENSEMBLE' },
      /multiple_choice: required/,
    ],
    [
      'choice shuffle with one option',
      {
        strategy: 'STRATEGY_CHOICE_SHUFFLE_ENSEMBLE',
        multipleChoice: { question: 'q', options: [{ key: 'A', text: 'a' }] },
      },
      /multiple_choice\.options: needs at least 2 options/,
    ],
  ] as const)('answers INVALID_ARGUMENT naming the field for %s', async (_what, request, message) => {
    const error = await generate(harness.client, request as never).catch((e: grpc.ServiceError) => e);
    expect((error as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect((error as grpc.ServiceError).details).toMatch(message);
  });
});

describe('scheduling', () => {
  it('serves many concurrent requests, all of them valid', async () => {
    const schema = schemas['an enum answer'];
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        generate(harness.client, {
          messages: [user(`Question ${i}`)],
          jsonSchema: JSON.stringify(schema),
          maxTokens: 200,
          sampling: { temperature: 0.7, seed: i },
        }),
      ),
    );
    expect(responses).toHaveLength(12);
    for (const response of responses) expect(ajv.validate(schema, JSON.parse(response.json))).toBe(true);
    expect(new Set(responses.map((response) => response.requestId)).size).toBe(12);
  });

  it('answers RESOURCE_EXHAUSTED with a retry hint when the queue is full', async () => {
    const small = await startHarness({ sequences: 1, queueCapacity: 1 });
    try {
      const running = generateStream(small.client, { messages: [user('long')], maxTokens: 3_000 });
      await waitFor(async () => (await small.metric('aloe_inference_busy_sequences')) === 1, {
        what: 'one running',
      });
      const queued = generateStream(small.client, { messages: [user('long')], maxTokens: 3_000 });
      await waitFor(async () => (await small.metric('aloe_inference_queue_depth')) === 1, {
        what: 'one queued',
      });
      const error = await generate(small.client, { messages: [user('one too many')] }).catch(
        (e: grpc.ServiceError) => e,
      );
      expect((error as grpc.ServiceError).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
      expect(Number((error as grpc.ServiceError).metadata.get('retry-after-ms')[0])).toBeGreaterThan(0);
      for (const call of [running, queued]) {
        call.call.cancel();
        await call.done.catch(() => undefined);
      }
    } finally {
      await small.close();
    }
  });
});

describe('health', () => {
  it('is NOT_SERVING (and calls UNAVAILABLE) until the model has loaded, then SERVING', async () => {
    const late = await startHarness({ load: false });
    const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
    const health = new Health(`127.0.0.1:${late.service.grpcPort}`, grpc.credentials.createInsecure());
    const check = () =>
      new Promise<{ status: string }>((resolve, reject) =>
        (health as unknown as { check: HealthCheck }).check(
          { service: 'aloe.inference.v1.Inference' },
          (e, r) => (e ? reject(e) : resolve(r)),
        ),
      );
    try {
      expect((await check()).status).toBe('NOT_SERVING');
      const error = await generate(late.client, { messages: [user('q')] }).catch((e: grpc.ServiceError) => e);
      expect((error as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
      await late.load();
      expect((await check()).status).toBe('SERVING');
    } finally {
      health.close();
      await late.close();
    }
  });
});

describe('a ChatML (Qwen2.5-Aloe style) model', () => {
  it('is served with the ChatML wrapper and stops at its end-of-turn token', async () => {
    const chatml = await startHarness({ template: 'chatml', sequences: 1 });
    try {
      const response = await generate(chatml.client, {
        messages: [user('Yes or no?')],
        jsonSchema: JSON.stringify(schemas['an enum answer']),
        maxTokens: 200,
      });
      expect(response.model?.chatTemplate).toMatch(/^chatml@sha256:[0-9a-f]{12}$/);
      expect(response.stopReason).toBe('STOP_REASON_EOG');
      expect(['yes', 'no', 'maybe']).toContain(JSON.parse(response.json).answer);
    } finally {
      await chatml.close();
    }
  });
});
