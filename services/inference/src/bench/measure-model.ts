import { dirname } from 'node:path';
import type { GenerateStreamChunk__Output, InferenceClient } from '@aloe/shared/grpc';
import { ALOE_SYSTEM_PROMPT, loadInferenceProto } from '@aloe/shared/grpc';
import { createLogger } from '@aloe/shared/logging';
import { createMetricsRegistry } from '@aloe/shared/metrics';
import { quantile } from '@aloe/shared/stats';
import * as grpc from '@grpc/grpc-js';
import { LlamaChatSession, resolveChatWrapper } from 'node-llama-cpp';
import { createRuntime } from '../create-runtime.js';
import { createInferenceServer } from '../grpc/create-server.js';
import { createInferenceMetrics } from '../metrics.js';
import { loadModel } from '../model/load-model.js';
import { type RatioSpread, ratioSpread } from './ratio-spread.js';

export interface BenchFigures {
  threads: number;
  /** Per run: tokens/s and how many tokens (the same seed gives both paths the same output). */
  direct: { tokensPerSecond: number; runs: number[]; tokens: number[] };
  grpc: { tokensPerSecond: number; runs: number[]; tokens: number[] };
  /**
   * gRPC tok/s over direct tok/s, round by round (each gRPC run over the direct run just before it):
   * the median (target ≥ 0.98) with its quartiles and extremes, since single runs on a shared machine
   * have moved by more than the target's margin.
   */
  grpcToDirect: RatioSpread;
  concurrency: Array<{ concurrent: number; aggregateTokensPerSecond: number }>;
  timeToFirstTokenMs: { p50: number; p95: number };
  /** Over the requests still generating when cancelled (`samples`); one that ended first is not a sample. */
  cancelToStopMs: { p50: number; p95: number; samples: number };
  peakRssBytes: number;
}

const PROMPT = "Summarise this patient's medication list and flag anything a clinician should review.";
const CONTEXT_SIZE = 1_024;
/**
 * Long enough to be cancelled mid-answer, short enough that the rendered prompt (~330 tokens) and the
 * answer fit one sequence's context: the service refuses a request that could overflow it.
 */
const CANCEL_MAX_TOKENS = 600;

/** Latency samples (time to first token, cancel to stop) per model. */
const LATENCY_SAMPLES = 5;

/**
 * Measures one model file: the same prompt, settings and seeds through both paths, interleaved round by
 * round (direct, gRPC, direct, gRPC …) so a slow spell of the machine falls on both paths alike.
 */
export async function measureModel(options: {
  path: string;
  maxTokens: number;
  threads: number;
  /** Interleaved rounds, each one direct run and one gRPC run. */
  rounds: number;
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
  for (let i = 1; i <= options.rounds; i++) {
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
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    ttft.push(await timeToFirstChunk(client, 200 + i, options.maxTokens));
    const latency = await cancelLatency(client, metrics, 300 + i);
    if (latency !== undefined) cancelToStop.push(latency);
  }

  client.close();
  await runtime.drain();
  await server.shutdown(2_000);
  await directContext.dispose();
  await loaded.dispose();

  const rate = (run: { tokens: number; seconds: number }) => run.tokens / run.seconds;
  return {
    threads: loaded.threads,
    direct: {
      tokensPerSecond: quantile(directRuns.map(rate), 0.5),
      runs: directRuns.map(rate),
      tokens: directRuns.map((run) => run.tokens),
    },
    grpc: {
      tokensPerSecond: quantile(grpcRuns.map(rate), 0.5),
      runs: grpcRuns.map(rate),
      tokens: grpcRuns.map((run) => run.tokens),
    },
    grpcToDirect: ratioSpread(grpcRuns.map(rate), directRuns.map(rate)),
    concurrency,
    timeToFirstTokenMs: { p50: quantile(ttft, 0.5), p95: quantile(ttft, 0.95) },
    cancelToStopMs: {
      p50: quantile(cancelToStop, 0.5),
      p95: quantile(cancelToStop, 0.95),
      samples: cancelToStop.length,
    },
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

/**
 * From the client's cancel to the server freeing the sequence (generation stopped); undefined when the
 * random model ended its answer before the fifth chunk (nothing left to cancel).
 */
async function cancelLatency(
  client: InferenceClient,
  metrics: ReturnType<typeof createInferenceMetrics>,
  seed: number,
): Promise<number | undefined> {
  const call = client.GenerateStream({
    messages: [{ role: 'ROLE_USER', content: PROMPT }],
    maxTokens: CANCEL_MAX_TOKENS,
    sampling: { temperature: 0.8, seed },
  });
  // An error before the cancel (a refused request) fails the bench; the one the cancel causes is expected.
  let cancelRequested = false;
  const generating = await new Promise<boolean>((resolve, reject) => {
    let chunks = 0;
    call.on('data', () => {
      if (++chunks === 5) resolve(true);
    });
    call.on('end', () => resolve(false));
    call.on('error', (error) => {
      if (!cancelRequested) reject(error);
    });
  });
  if (!generating) return undefined;
  const cancelledAt = performance.now();
  cancelRequested = true;
  call.cancel();
  while ((await metrics.busySequences.get()).values[0]?.value)
    await new Promise((resolve) => setTimeout(resolve, 0.5));
  return performance.now() - cancelledAt;
}
