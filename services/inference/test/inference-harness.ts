// Starts the real inference service in-process (real model file, real llama.cpp, gRPC on a real
// socket) and gives tests a typed client.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  GenerateRequest,
  GenerateResponse__Output,
  GenerateStreamChunk__Output,
  InferenceClient,
} from '@aloe/shared/grpc';
import { loadInferenceProto } from '@aloe/shared/grpc';
import { createLogger } from '@aloe/shared/logging';
import { createMetricsRegistry } from '@aloe/shared/metrics';
import * as grpc from '@grpc/grpc-js';
import { createRuntime, type Runtime } from '../src/create-runtime.js';
import { createInferenceServer, type InferenceServer } from '../src/grpc/create-server.js';
import { createInferenceMetrics, type InferenceMetrics } from '../src/metrics.js';
import { type LoadedModel, loadModel } from '../src/model/load-model.js';
import type { SeedModelKey } from '../src/model/seed-models.js';
import { makeTestModel } from '../src/test-model/make-test-model.js';

export interface Harness {
  client: InferenceClient;
  server: InferenceServer;
  metrics: InferenceMetrics;
  loaded: LoadedModel | undefined;
  runtime: Runtime | undefined;
  /** Loads the model and marks the service SERVING (harnesses can start without a model). */
  load(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    sequences?: number;
    queueCapacity?: number;
    load?: boolean;
    template?: 'llama3' | 'chatml';
    /** Serve the stand-in of one of the five seed systems instead of a generic test model. */
    seedModel?: SeedModelKey;
    /** A model file already written (shared between harnesses); default: write one. */
    modelPath?: string;
    label?: string;
    contextSize?: number;
    /** The clock for the chat template's date. */
    today?: () => Date;
  } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'aloe-inference-'));
  const logger = createLogger({ service: 'inference-test', level: 'warn' });
  const metrics = createInferenceMetrics(createMetricsRegistry('inference-test'));
  const harness: Partial<Harness> & { runtime: Runtime | undefined; loaded: LoadedModel | undefined } = {
    runtime: undefined,
    loaded: undefined,
  };
  const server = await createInferenceServer({
    host: '127.0.0.1',
    port: 0,
    runtime: () => harness.runtime,
    defaults: { maxTokens: 256, samples: 3 },
    logger,
    metrics,
    logPrompts: false,
  });
  const proto = loadInferenceProto();
  const client = new proto.aloe.inference.v1.Inference(
    `127.0.0.1:${server.port}`,
    grpc.credentials.createInsecure(),
  );
  Object.assign(harness, {
    client,
    server,
    metrics,
    async load() {
      const path =
        options.modelPath ??
        (
          await makeTestModel({
            path: join(dir, options.seedModel ? `${options.seedModel}.gguf` : 'model.gguf'),
            template: options.template ?? 'llama3',
            seedModel: options.seedModel,
          })
        ).path;
      harness.loaded = await loadModel({
        source: path,
        modelsDir: dir,
        label: options.label,
        gpu: 'cpu',
        threads: 1,
        contextSize: options.contextSize ?? 4096,
        parallelSequences: options.sequences ?? 2,
        logger,
      });
      harness.runtime = createRuntime(harness.loaded, {
        queueCapacity: options.queueCapacity ?? 32,
        metrics,
        ...(options.today ? { today: options.today } : {}),
      });
      server.setServing(true);
    },
    async close() {
      client.close();
      await harness.runtime?.drain();
      await server.shutdown(2_000);
      await harness.loaded?.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  });
  if (options.load ?? true) await harness.load!();
  return harness as Harness;
}

/** Unary Generate as a promise; rejects with the ServiceError. */
export function generate(
  client: InferenceClient,
  request: GenerateRequest,
  deadlineMs = 30_000,
): Promise<GenerateResponse__Output> {
  return new Promise((resolve, reject) => {
    client.Generate(request, { deadline: Date.now() + deadlineMs }, (error, response) =>
      error ? reject(error) : resolve(response!),
    );
  });
}

/** GenerateStream, collected. */
export function generateStream(client: InferenceClient, request: GenerateRequest) {
  const chunks: GenerateStreamChunk__Output[] = [];
  const call = client.GenerateStream(request, { deadline: Date.now() + 30_000 });
  const done = new Promise<GenerateStreamChunk__Output[]>((resolve, reject) => {
    call.on('data', (chunk: GenerateStreamChunk__Output) => chunks.push(chunk));
    call.on('error', reject);
    call.on('end', () => resolve(chunks));
  });
  return { call, chunks, done };
}

export async function generatedTokens(metrics: InferenceMetrics): Promise<number> {
  return (await metrics.generatedTokens.get()).values[0]?.value ?? 0;
}

export async function gaugeValue(gauge: InferenceMetrics['busySequences']): Promise<number> {
  return (await gauge.get()).values[0]?.value ?? 0;
}

export const user = (content: string) => ({ role: 'ROLE_USER' as const, content });
