// The evaluation's client of the RUNNING inference service, over gRPC as any other caller: a deadline
// per call, bounded retries when the service is down or its queue is full, every other status fails the
// call with the status named.
import { readFileSync } from 'node:fs';
import {
  type GenerateRequest,
  type GenerateResponse__Output,
  type InferenceClient,
  loadInferenceProto,
  type ModelInfo__Output,
} from '@aloe/shared/grpc';
import { backoffDelayMs } from '@aloe/shared/retry';
import * as grpc from '@grpc/grpc-js';

export interface ConnectionOptions {
  /** host:port of the inference service. */
  address: string;
  /** A CA (PEM file) to trust: the call goes over TLS. Unset: plain text. */
  tlsCaFile?: string | undefined;
  /** Attempts per call, the first included, when the service answers UNAVAILABLE or RESOURCE_EXHAUSTED. */
  maxAttempts?: number;
  /** Backoff before a retry when the server gave no `retry-after-ms`. */
  initialRetryDelayMs?: number;
  /** The longest wait between attempts, however long the server asks for. */
  maxRetryDelayMs?: number;
}

/** A call that failed for good: its gRPC status, named in the message. */
export class InferenceCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: grpc.status,
    details: string,
    readonly attempts: number,
  ) {
    super(
      `${method} failed with ${grpc.status[code] ?? code}${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${details}`,
    );
    this.name = 'InferenceCallError';
  }
  get status(): string {
    return grpc.status[this.code] ?? String(this.code);
  }
}

export interface InferenceConnection {
  readonly address: string;
  modelInfo(options?: { deadlineMs?: number }): Promise<ModelInfo__Output>;
  generate(request: GenerateRequest, options: { deadlineMs: number }): Promise<GenerateResponse__Output>;
  /** Generate calls sent so far, retries included. */
  readonly generateCalls: number;
  close(): void;
}

// The model still loading (UNAVAILABLE) and a full queue (RESOURCE_EXHAUSTED) pass; anything else is an answer.
const RETRIABLE = new Set<grpc.status>([grpc.status.UNAVAILABLE, grpc.status.RESOURCE_EXHAUSTED]);

export function connectInference(options: ConnectionOptions): InferenceConnection {
  const maxAttempts = options.maxAttempts ?? 5;
  const retryOptions = {
    maxAttempts,
    initialDelayMs: options.initialRetryDelayMs ?? 500,
    maxDelayMs: options.maxRetryDelayMs ?? 30_000,
  };
  const credentials = options.tlsCaFile
    ? grpc.credentials.createSsl(readFileSync(options.tlsCaFile))
    : grpc.credentials.createInsecure();
  const proto = loadInferenceProto();
  const client: InferenceClient = new proto.aloe.inference.v1.Inference(options.address, credentials);
  let generateCalls = 0;

  /** One unary call with its deadline, retried on the passing statuses. */
  async function call<T>(
    method: string,
    deadlineMs: number,
    once: (deadline: Date, done: (error: grpc.ServiceError | null, value?: T) => void) => void,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await new Promise<T>((resolve, reject) =>
          once(new Date(Date.now() + deadlineMs), (error, value) =>
            error ? reject(error) : resolve(value as T),
          ),
        );
      } catch (caught) {
        const error = caught as grpc.ServiceError;
        if (!RETRIABLE.has(error.code) || attempt >= maxAttempts)
          throw new InferenceCallError(method, error.code, error.details ?? error.message, attempt);
        await sleep(retryDelayMs(error, attempt, retryOptions));
      }
    }
  }

  return {
    address: options.address,
    get generateCalls() {
      return generateCalls;
    },
    modelInfo: ({ deadlineMs = 30_000 } = {}) =>
      call<ModelInfo__Output>('GetModelInfo', deadlineMs, (deadline, done) =>
        client.GetModelInfo({}, { deadline }, (error, value) => done(error, value)),
      ),
    generate: (request, { deadlineMs }) =>
      call<GenerateResponse__Output>('Generate', deadlineMs, (deadline, done) => {
        generateCalls++;
        client.Generate(request, { deadline }, (error, value) => done(error, value));
      }),
    close: () => client.close(),
  };
}

/** The server's `retry-after-ms` when it sent one (a full queue), else exponential backoff; capped either way. */
export function retryDelayMs(
  error: Pick<grpc.ServiceError, 'metadata'>,
  attempt: number,
  options: { initialDelayMs: number; maxDelayMs: number; maxAttempts: number },
): number {
  const asked = Number(error.metadata?.get('retry-after-ms')[0]);
  if (Number.isFinite(asked) && asked > 0) return Math.min(asked, options.maxDelayMs);
  return backoffDelayMs(attempt, options);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
