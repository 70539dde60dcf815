import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInferenceProto } from '@aloe/shared/grpc';
import { startServiceProcess, waitFor } from '@aloe/shared/testing';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from '@jest/globals';
import { generate, user } from '../test/inference-harness.js';
import { makeTestModel } from './test-model/make-test-model.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

describe('inference start-up', () => {
  it('refuses to start with a bad configuration and names the variable', () => {
    const result = spawnSync(process.execPath, ['dist/main.js'], {
      env: { PATH: process.env.PATH, INFERENCE_GRPC_PORT: 'not-a-port', LOG_LEVEL: 'loud' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('inference: cannot start.');
    expect(result.stderr).toMatch(/^ {2}INFERENCE_GRPC_PORT: must be a whole number \(got "not-a-port"\)$/m);
    expect(result.stderr).toMatch(/^ {2}LOG_LEVEL: must be one of: fatal, error, warn, info, debug, trace/m);
  });

  it('generates its test model, serves, exposes metrics and shuts down cleanly on SIGTERM', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'aloe-main-'));
    const { child, lines, exited, ready } = await startServiceProcess({
      readyMessage: 'serving',
      timeoutMs: 30_000,
      env: { INFERENCE_GRPC_PORT: '0', INFERENCE_METRICS_PORT: '0', INFERENCE_MODELS_DIR: modelsDir },
    });
    children.push(child);
    try {
      const listening = lines.find((line) => line.msg === 'gRPC server listening; loading the model')!;
      expect(lines.some((line) => String(line.msg).includes('TEST MODEL'))).toBe(true);
      // Requests are sized against the loaded context (8 bytes a token), and prompts tokenized off the event loop.
      expect(ready.limits).toEqual({ maxPromptBytes: 65_536, contextTokens: 8_192 });
      expect(lines.some((line) => String(line.msg).includes('tokenizer worker'))).toBe(false);

      const proto = loadInferenceProto();
      const client = new proto.aloe.inference.v1.Inference(
        `127.0.0.1:${listening.port}`,
        grpc.credentials.createInsecure(),
      );
      const response = await generate(client, { messages: [user('Hi')], maxTokens: 8 });
      expect(response.model?.testModel).toBe(true);

      const metrics = await (await fetch(`http://127.0.0.1:${listening.metricsPort}/metrics`)).text();
      expect(metrics).toMatch(
        /aloe_inference_requests_total\{method="Generate",status="OK",service="inference"\} 1/,
      );
      expect(metrics).toMatch(/aloe_inference_generated_tokens_total\{service="inference"\} [1-9]/);

      // SIGTERM while a request is generating: it still completes, then the process exits 0.
      const busy = /aloe_inference_busy_sequences\{service="inference"\} 1/;
      const inFlight = generate(client, { messages: [user('Write at length.')], maxTokens: 2_000 });
      await waitFor(
        async () =>
          busy.test(await (await fetch(`http://127.0.0.1:${listening.metricsPort}/metrics`)).text()),
        {
          what: 'the request to be generating',
        },
      );
      child.kill('SIGTERM');
      const drained = await inFlight;
      expect(drained.usage?.completionTokens).toBeGreaterThan(0);
      client.close();
      expect(await exited).toBe(0);
      expect(lines.some((line) => line.msg === 'shutdown complete')).toBe(true);
      // No prompt or output text in the logs unless the debug flag is set.
      expect(JSON.stringify(lines)).not.toContain('"Hi"');
    } finally {
      await rm(modelsDir, { recursive: true, force: true });
    }
  });

  it('serves an Aloe seed system with its card: licence notice for Alpha, stops, defaults in GetModelInfo', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'aloe-main-alpha-'));
    const { path } = await makeTestModel({
      path: join(modelsDir, 'Llama3-Aloe-8B-Alpha.Q8_0.gguf'),
      seedModel: 'llama3-aloe-8b-alpha',
    });
    const { child, lines } = await startServiceProcess({
      readyMessage: 'serving',
      timeoutMs: 30_000,
      env: {
        INFERENCE_GRPC_PORT: '0',
        INFERENCE_METRICS_PORT: '0',
        INFERENCE_MODELS_DIR: modelsDir,
        ALOE_MODEL: path,
        INFERENCE_MODEL_LABEL: 'Llama3-Aloe-8B-Alpha (ward test)',
        INFERENCE_CONTEXT_SIZE: '32768',
      },
    });
    children.push(child);
    try {
      const licence = lines.find((line) => String(line.msg).startsWith('LICENCE:'));
      expect(licence).toMatchObject({ level: 'warn' });
      expect(String(licence?.msg)).toMatch(/CC-BY-NC-4\.0.*non-commercial/);
      const loaded = lines.find((line) => Array.isArray(line.stopTokens) && line.component === 'model');
      expect(JSON.stringify(loaded?.stopTokens)).toContain('<|eot_id|> (128009: template end-of-turn');

      const listening = lines.find((line) => line.msg === 'gRPC server listening; loading the model')!;
      const proto = loadInferenceProto();
      const client = new proto.aloe.inference.v1.Inference(
        `127.0.0.1:${listening.port}`,
        grpc.credentials.createInsecure(),
      );
      const info = await new Promise<Record<string, unknown>>((resolve, reject) =>
        client.GetModelInfo({}, (e, r) => (e ? reject(e) : resolve(r as unknown as Record<string, unknown>))),
      );
      expect(info).toMatchObject({
        identity: {
          name: 'Llama3-Aloe-8B-Alpha (ward test) (TEST MODEL)',
          seedModel: 'Llama3-Aloe-8B-Alpha',
        },
        contextSize: 8_192,
        licence: { nonCommercial: true },
      });
      const response = await generate(client, { messages: [user('Hi')], maxTokens: 32 });
      expect(response).toMatchObject({ text: 'Aloe', stopToken: { id: 128_009 } });
      client.close();
      child.kill('SIGTERM');
    } finally {
      await rm(modelsDir, { recursive: true, force: true });
    }
  });
});
