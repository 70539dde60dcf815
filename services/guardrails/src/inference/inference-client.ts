import type { ClientTlsFiles } from '@aloe/shared/config';
import { AppError, ErrorCode, fromGrpcStatus, isRetriable } from '@aloe/shared/errors';
import {
  type GenerateRequest,
  type GenerateResponse__Output,
  type InferenceClient,
  loadInferenceProto,
} from '@aloe/shared/grpc';
import { type RetryOptions, retry } from '@aloe/shared/retry';
import { Attr, injectGrpcMetadata, SpanKind, withSpan } from '@aloe/shared/tracing';
import * as grpc from '@grpc/grpc-js';
import { inferenceChannel } from './channel-credentials.js';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';

export interface InferenceCallOptions {
  signal?: AbortSignal | undefined;
  /**
   * When the caller's own retry life ends (epoch ms, the consumer's `meta.deadline`): no call runs past
   * it and no retry starts after it, so the client's retries never multiply the consumer's.
   */
  deadline?: number | undefined;
}

export interface InferenceCaller {
  generate(request: GenerateRequest, options?: InferenceCallOptions): Promise<GenerateResponse__Output>;
  close(): void;
}

/** A call's gRPC deadline: its own `deadlineMs` from now, cut to the caller's deadline when that is sooner. */
export function callDeadline(now: number, deadlineMs: number, callerDeadline: number | undefined): number {
  return Math.min(now + deadlineMs, callerDeadline ?? Number.POSITIVE_INFINITY);
}

/**
 * The gRPC client of the inference service: a deadline per call, retries with backoff on retriable
 * statuses (UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED), and a circuit breaker so a dead
 * service is not hammered; calls and retries end by the caller's deadline. Errors come back as
 * AppErrors with the right `retriable` flag.
 */
export function createInferenceCaller(options: {
  address: string;
  deadlineMs: number;
  retry: RetryOptions;
  breaker?: CircuitBreaker;
  /** TLS to inference (config.inference.tls); undefined: plain text. */
  tls?: ClientTlsFiles | undefined;
}): InferenceCaller {
  const proto = loadInferenceProto();
  const channel = inferenceChannel(options.tls);
  const client: InferenceClient = new proto.aloe.inference.v1.Inference(
    options.address,
    channel.credentials,
    channel.options,
  );
  const breaker =
    options.breaker ??
    createCircuitBreaker({ name: 'the inference service', threshold: 5, cooldownMs: 10_000 });

  // One CLIENT span per attempt; its context goes in the call's metadata, so the server's span is its child.
  const once = (request: GenerateRequest, { signal, deadline }: InferenceCallOptions) =>
    withSpan(
      'aloe.inference.v1.Inference/Generate',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [Attr.RpcSystem]: 'grpc',
          [Attr.RpcService]: 'aloe.inference.v1.Inference',
          [Attr.RpcMethod]: 'Generate',
          // An id the caller chose (the context id, in a review); never the prompt.
          [Attr.InferenceRequestId]: request.requestId ?? '',
        },
      },
      (span) =>
        new Promise<GenerateResponse__Output>((resolve, reject) => {
          const call = client.Generate(
            request,
            injectGrpcMetadata(new grpc.Metadata()),
            { deadline: callDeadline(Date.now(), options.deadlineMs, deadline) },
            (error, response) => {
              signal?.removeEventListener('abort', onAbort);
              span.setAttribute(Attr.RpcGrpcStatusCode, error ? error.code : grpc.status.OK);
              if (error) reject(fromGrpcStatus(error.code, error.details));
              else resolve(response!);
            },
          );
          const onAbort = () => call.cancel();
          signal?.addEventListener('abort', onAbort, { once: true });
        }),
    );

  return {
    generate: (request, callOptions = {}) =>
      retry(() => breaker.call(() => once(request, callOptions), isRetriable), {
        ...options.retry,
        signal: callOptions.signal,
        deadline: callOptions.deadline,
      }).catch((error: unknown) => {
        if (error instanceof AppError) throw error;
        throw new AppError(ErrorCode.Unavailable, `The inference call failed: ${(error as Error).message}`, {
          retriable: true,
          cause: error,
        });
      }),
    close: () => client.close(),
  };
}
