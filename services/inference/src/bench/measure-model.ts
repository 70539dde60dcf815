import { dirname } from 'node:path';
import type { GenerateStreamChunk__Output, InferenceClient } from '@aloe/shared/grpc';
import { ALOE_SYSTEM_PROMPT, loadInferenceProto } from '@aloe/shared/grpc';
import { createLogger } from '@aloe/shared/logging';
import { createMetricsRegistry } from '@aloe/shared/metrics';
import * as grpc from '@grpc/grpc-js';
import { LlamaChatSession, resolveChatWrapper } from 'node-llama-cpp';
import { createRuntime } from '../create-runtime.js';
import { createInferenceServer } from '../grpc/create-server.js';
import { createInferenceMetrics } from '../metrics.js';
import { loadModel } from '../model/load-model.js';

export interface BenchFigures {
  threads: number;
  /** Per run: tokens/s and how many tokens (the same seed gives both paths the same output). */
  direct: { tokensPerSecond: number; runs: number[]; tokens: number[] };
  grpc: { tokensPerSecond: number; runs: number[]; tokens: number[] };
  /** Median gRPC tokens/s over median direct tokens/s (target ≥ 0.95). */
  grpcToDirectRatio: number;
  concurrency: Array<{ concurrent: number; aggregateTokensPerSecond: number }>;
  timeToFirstTokenMs: { p50: number; p95: number };
  cancelToStopMs: { p50: number; p95: number };
  peakRssBytes: number;
}

const PROMPT = "Summarise this patient's medication list and flag anything a clinician should review.";
const CONTEXT_SIZE = 1_024;

/** Measures one model file: the same prompt, settings and seeds through both paths, interleaved. */
export async function measureModel(options: {
  path: string;
  maxTokens: number;
  threads: number;
  repeats: number;
}): Promise<BenchFigures> {
  const logger = createLogger({ service: 'inference-bench', level: 'warn' });
  const metrics = createInferenceMetrics(createMetricsRegistry('inference-bench'));
  const loaded = await loadModel({
    source: options.path,
    modelsDir: dirname(options.path),
    gpu: 'auto',
    threads: options.threads,
    contextSize: CONTEXT_SIZE,
    parallelSequences: 4,
    logger,
  });
  const runtime = createRuntime(loaded, { queueCapacity: 16, metrics });
  const server = await createInferenceServer({
    host: '127.0.0.1',
    port: 0,
    runtime: () => runtime,
    defaults: { maxTokens: options.maxTokens, samples: 1 },
    logger,
    metrics,
    logPrompts: false,
  });
  server.setServing(true);
  const proto = loadInferenceProto();
  const client = new proto.aloe.inference.v1.Inference(
    `127.0.0.1:${server.port}`,
    grpc.credentials.createInsecure(),
  );

  // The direct path: node-llama-cpp's own API on the same model, one sequence of its own context.
  const directContext = await loaded.model.createContext({
    contextSize: CONTEXT_SIZE,
    sequences: 1,
    threads: loaded.threads,
  });
  const directSequence = directContext.getSequence();
  const direct = async (seed: number): Promise<{ tokens: number; seconds: number }> => {
    const session = new LlamaChatSession({
      contextSequence: directSequence,
      chatWrapper: resolveChatWrapper(loaded.model),
      autoDisposeSequence: false,
    });
    session.setChatHistory([{ type: 'system', text: ALOE_SYSTEM_PROMPT }]);
    let tokens = 0;
    const startedAt = performance.now();
    await session.promptWithMeta(PROMPT, {
      maxTokens: options.maxTokens,
      temperature: 0.8,
      seed,
      onToken: (batch) => {
        tokens += batch.length;
      },
    });
    const seconds = (performance.now() - startedAt) / 1000;
    session.dispose({ disposeSequence: false });
    return { tokens, seconds };
  };
  const viaGrpc = async (seed: number): Promise<{ tokens: number; seconds: number }> => {
    const startedAt = performance.now();
    const response = await unary(client, seed, options.maxTokens);
    return { tokens: response.usage?.completionTokens ?? 0, seconds: (performance.now() - startedAt) / 1000 };
  };

  await direct(0); // warm-up: first evaluation of the shared prompt prefix, allocations
  await viaGrpc(0);
  const directRuns: Array<{ tokens: number; seconds: number }> = [];
  const grpcRuns: Array<{ tokens: number; seconds: number }> = [];
  for (let i = 1; i <= options.repeats; i++) {
    directRuns.push(await direct(i));
    grpcRuns.push(await viaGrpc(i));
  }

  const concurrency: BenchFigures['concurrency'] = [];
  for (const concurrent of [1, 2, 4]) {
    const startedAt = performance.now();
    const runs = await Promise.all(Array.from({ length: concurrent }, (_, i) => viaGrpc(100 + i)));
    const seconds = (performance.now() - startedAt) / 1000;
    concurrency.push({
      concurrent,
      aggregateTokensPerSecond: runs.reduce((sum, run) => sum + run.tokens, 0) / seconds,
    });
  }

  const ttft: number[] = [];
  const cancelToStop: number[] = [];
  for (let i = 0; i < Math.max(3, options.repeats); i++) {
    ttft.push(await timeToFirstChunk(client, 200 + i, options.maxTokens));
    cancelToStop.push(await cancelLatency(client, metrics, 300 + i));
  }

  client.close();
  await runtime.drain();
  await server.shutdown(2_000);
  await directContext.dispose();
  await loaded.dispose();

  const rate = (run: { tokens: number; seconds: number }) => run.tokens / run.seconds;
  const directMedian = median(directRuns.map(rate));
  const grpcMedian = median(grpcRuns.map(rate));
  return {
    threads: loaded.threads,
    direct: {
      tokensPerSecond: directMedian,
      runs: directRuns.map(rate),
      tokens: directRuns.map((run) => run.tokens),
    },
    grpc: {
      tokensPerSecond: grpcMedian,
      runs: grpcRuns.map(rate),
      tokens: grpcRuns.map((run) => run.tokens),
    },
    grpcToDirectRatio: grpcMedian / directMedian,
    concurrency,
    timeToFirstTokenMs: { p50: median(ttft), p95: percentile(ttft, 0.95) },
    cancelToStopMs: { p50: median(cancelToStop), p95: percentile(cancelToStop, 0.95) },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function unary(client: InferenceClient, seed: number, maxTokens: number) {
  return new Promise<{ usage?: { completionTokens: number } | null }>((resolve, reject) =>
    client.Generate(
      { messages: [{ role: 'ROLE_USER', content: PROMPT }], maxTokens, sampling: { temperature: 0.8, seed } },
      (error, response) => (error ? reject(error) : resolve(response!)),
    ),
  );
}

/** Client-side: from sending a streaming request to its first text chunk. */
function timeToFirstChunk(client: InferenceClient, seed: number, maxTokens: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let first: number | undefined;
    const call = client.GenerateStream({
      messages: [{ role: 'ROLE_USER', content: PROMPT }],
      maxTokens,
      sampling: { temperature: 0.8, seed },
    });
    call.on('data', (chunk: GenerateStreamChunk__Output) => {
      if (first === undefined && chunk.chunk === 'textDelta') first = performance.now() - startedAt;
    });
    call.on('error', reject);
    call.on('end', () => resolve(first ?? performance.now() - startedAt));
  });
}

/** From the client's cancel to the server freeing the sequence (generation stopped). */
async function cancelLatency(
  client: InferenceClient,
  metrics: ReturnType<typeof createInferenceMetrics>,
  seed: number,
): Promise<number> {
  const call = client.GenerateStream({
    messages: [{ role: 'ROLE_USER', content: PROMPT }],
    maxTokens: 800,
    sampling: { temperature: 0.8, seed },
  });
  call.on('error', () => undefined);
  await new Promise<void>((resolve) => {
    let chunks = 0;
    call.on('data', () => {
      if (++chunks === 5) resolve();
    });
    call.on('end', () => resolve());
  });
  const cancelledAt = performance.now();
  call.cancel();
  while ((await metrics.busySequences.get()).values[0]?.value)
    await new Promise((resolve) => setTimeout(resolve, 0.5));
  return performance.now() - cancelledAt;
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}
