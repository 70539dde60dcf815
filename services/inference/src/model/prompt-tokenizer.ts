import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, ErrorCode } from '@aloe/shared/errors';
import type { Logger } from '@aloe/shared/logging';
import type { LlamaGpuType, Token } from 'node-llama-cpp';
import type { Tokenize } from '../generate/render-prompt.js';

/** A piece of a prompt and whether control-token text in it is parsed as control tokens. */
export interface TextSegment {
  text: string;
  special: boolean;
}

/** A prompt's tokens, or only their count when there were more than the caller's limit. */
export type Tokenized = { count: number; tokens: Token[] } | { count: number; tokens: undefined };

/**
 * Tokenizes a prompt's segments, in order, as one token list, without blocking the event loop. Past
 * `limit` tokens only the count comes back: a prompt that will be refused is never copied.
 */
export type TokenizeSegments = (segments: readonly TextSegment[], limit?: number) => Promise<Tokenized>;

export interface PromptTokenizer {
  tokenize: TokenizeSegments;
  close(): Promise<void>;
}

type Reply =
  | { id: number; tokens: Uint32Array }
  | { id: number; count: number }
  | { id: number; error: string };
type Started = { ready: true } | { ready: false; error: string };

// Run from its TypeScript source (tests), this module starts the worker's source too.
const WORKER_FILE = new URL(`./tokenizer-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/**
 * The model's tokenizer on a worker thread of its own (llama.cpp's tokenize is synchronous: a
 * context-sized prompt would stall health checks and every other call for hundreds of ms). If the
 * worker cannot start or dies, prompts are tokenized on the main thread, yielding between segments,
 * and that is logged.
 */
export async function startPromptTokenizer(options: {
  modelPath: string;
  /** The backend the main thread loaded (`llama.gpu`). */
  gpu: LlamaGpuType;
  /** The same tokenizer on the main thread. */
  mainThread: Tokenize;
  logger: Logger;
}): Promise<PromptTokenizer> {
  const onMainThread: TokenizeSegments = async (segments, limit = Number.POSITIVE_INFINITY) => {
    const tokens: Token[] = [];
    for (const segment of segments) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const token of options.mainThread(segment.text, segment.special)) tokens.push(token);
    }
    return tokens.length > limit
      ? { count: tokens.length, tokens: undefined }
      : { count: tokens.length, tokens };
  };
  const fallback = (reason: string): PromptTokenizer => {
    options.logger.warn(
      { reason },
      'the tokenizer worker is not available: prompts are tokenized on the main thread, which a long prompt stalls',
    );
    return { tokenize: onMainThread, close: async () => undefined };
  };

  let worker: Worker;
  try {
    worker = new Worker(WORKER_FILE, { workerData: { modelPath: options.modelPath, gpu: options.gpu } });
  } catch (error) {
    return fallback((error as Error).message);
  }
  const started = await new Promise<Started>((resolve) => {
    const onMessage = (message: Started) => done(message);
    const onError = (error: Error) => done({ ready: false, error: error.message });
    const onExit = (code: number) => done({ ready: false, error: `the worker exited (${code})` });
    // Only these three: the Worker's own listeners (which keep its port referenced) must stay.
    const done = (result: Started) => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      resolve(result);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
  if (!started.ready) {
    await worker.terminate();
    return fallback(started.error);
  }
  // Requests in flight hold the process open anyway; an idle tokenizer must not.
  worker.unref();

  const pending = new Map<number, { resolve: (result: Tokenized) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let alive = true;
  let closing = false;
  worker.on('message', (reply: Reply) => {
    const job = pending.get(reply.id);
    if (!job) return;
    pending.delete(reply.id);
    if ('error' in reply)
      job.reject(new AppError(ErrorCode.Internal, `The tokenizer failed: ${reply.error}`));
    else if ('count' in reply) job.resolve({ count: reply.count, tokens: undefined });
    else job.resolve({ count: reply.tokens.length, tokens: toTokenArray(reply.tokens) });
  });
  const onDeath = (reason: string) => {
    if (!alive) return;
    alive = false;
    if (!closing)
      options.logger.error({ reason }, 'the tokenizer worker died; tokenizing on the main thread');
    for (const job of pending.values())
      job.reject(new AppError(ErrorCode.Internal, `The tokenizer worker stopped: ${reason}`));
    pending.clear();
  };
  worker.on('error', (error) => onDeath(error.message));
  worker.on('exit', (code) => onDeath(`exit code ${code}`));

  return {
    tokenize(segments, limit) {
      if (!alive) return onMainThread(segments, limit);
      const id = nextId++;
      return new Promise<Tokenized>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({
          id,
          segments: segments.map(({ text, special }) => ({ text, special })),
          limit: limit ?? null,
        });
      });
    },
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}

// A plain loop: several times faster than Array.from on a typed array.
function toTokenArray(tokens: Uint32Array): Token[] {
  const array = new Array<Token>(tokens.length);
  for (let i = 0; i < tokens.length; i++) array[i] = tokens[i] as Token;
  return array;
}
