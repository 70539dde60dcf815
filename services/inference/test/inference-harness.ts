// Starts the real inference service in-process through createService (real model file, real llama.cpp,
// gRPC and /metrics on real sockets, configuration through the real schema) and gives tests a typed client.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceConfig, loadConfig } from '@aloe/shared/config';
import type {
  GenerateRequest,
  GenerateResponse__Output,
  GenerateStreamChunk__Output,
  InferenceClient,
} from '@aloe/shared/grpc';
import { loadInferenceProto } from '@aloe/shared/grpc';
import { createLogger } from '@aloe/shared/logging';
import * as grpc from '@grpc/grpc-js';
import { createService, type InferenceService } from '../src/create-service.js';
import { type LoadedModel, loadModel } from '../src/model/load-model.js';
import type { SeedModelKey } from '../src/model/seed-models.js';
import { makeTestModel } from '../src/test-model/make-test-model.js';

export interface Harness {
  client: InferenceClient;
  service: InferenceService;
  /** The model the service loaded (undefined until it has). */
  loaded: LoadedModel | undefined;
  /** Lets the model load and waits for SERVING (a harness started with `load: false` holds it back). */
  load(): Promise<void>;
  /** The value of an unlabelled series from GET /metrics. */
  metric(name: string): Promise<number>;
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
    maxPromptBytes?: number;
    /** The clock for the chat template's date. */
    today?: () => Date;
  } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'aloe-inference-'));
  const path =
    options.modelPath ??
    (
      await makeTestModel({
        path: join(dir, options.seedModel ? `${options.seedModel}.gguf` : 'model.gguf'),
        template: options.template ?? 'llama3',
        seedModel: options.seedModel,
      })
    ).path;
  const env: Record<string, string | undefined> = {
    LOG_LEVEL: 'warn',
    ALOE_MODEL: path,
    INFERENCE_MODELS_DIR: dir,
    INFERENCE_MODEL_LABEL: options.label,
    INFERENCE_GRPC_PORT: '0',
    INFERENCE_METRICS_PORT: '0',
    INFERENCE_GPU: 'cpu',
    INFERENCE_THREADS: '1',
    // The test model's trained context: room for 4,096-token answers after a prompt.
    INFERENCE_CONTEXT_SIZE: String(options.contextSize ?? 8192),
    INFERENCE_PARALLEL_SEQUENCES: String(options.sequences ?? 2),
    INFERENCE_QUEUE_CAPACITY: String(options.queueCapacity ?? 32),
    INFERENCE_DEFAULT_MAX_TOKENS: '256',
    INFERENCE_DEFAULT_SAMPLES: '3',
    INFERENCE_MAX_PROMPT_BYTES:
      options.maxPromptBytes === undefined ? undefined : String(options.maxPromptBytes),
    INFERENCE_SHUTDOWN_TIMEOUT_MS: '4000',
  };
  let releaseLoad: () => void = () => undefined;
  const loadReleased = new Promise<void>((resolve) => {
    releaseLoad = resolve;
  });
  if (options.load ?? true) releaseLoad();
  const harness: Partial<Harness> & { loaded: LoadedModel | undefined } = { loaded: undefined };
  const service = await createService(loadConfig(InferenceConfig, env), {
    logger: createLogger({ service: 'inference-test', level: 'warn' }),
    loadModel: async (loadOptions) => {
      await loadReleased;
      harness.loaded = await loadModel(loadOptions);
      return harness.loaded;
    },
    ...(options.today ? { today: options.today } : {}),
  });
  // A failed load is reported where the test awaits load(); never as an unhandled rejection.
  service.ready.catch(() => undefined);
  const proto = loadInferenceProto();
  const client = new proto.aloe.inference.v1.Inference(
    `127.0.0.1:${service.grpcPort}`,
    grpc.credentials.createInsecure(),
  );
  Object.assign(harness, {
    client,
    service,
    async load() {
      releaseLoad();
      await service.ready;
    },
    async metric(name: string) {
      const text = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();
      const line = text
        .split('\n')
        .find((candidate) => candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `));
      if (!line) throw new Error(`no series ${name} in /metrics`);
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    },
    async close() {
      client.close();
      releaseLoad();
      await service.close();
      await rm(dir, { recursive: true, force: true });
    },
  });
  if (options.load ?? true) await service.ready;
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

export const user = (content: string) => ({ role: 'ROLE_USER' as const, content });
