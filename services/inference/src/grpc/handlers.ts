import { AppError, ErrorCode, QueueFullError, toGrpcStatus } from '@aloe/shared/errors';
import type { InferenceHandlers, ModelInfo } from '@aloe/shared/grpc';
import type { Logger } from '@aloe/shared/logging';
import { Attr, extractGrpcMetadata, type Span, SpanKind, withSpan } from '@aloe/shared/tracing';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import type { InferenceResult } from '../generate/run-inference.js';
import type { InferenceRequest } from '../generate/types.js';
import type { InferenceMetrics } from '../metrics.js';
import { signalForCall } from './call-signal.js';
import { parseGenerateRequest, type RequestDefaults } from './parse-request.js';
import { toGenerateResponse } from './to-proto.js';

/** What the handlers need once the model is loaded. */
export interface InferenceRuntime {
  run(
    request: InferenceRequest,
    options: { signal: AbortSignal; onTextChunk?: (text: string) => void },
  ): Promise<InferenceResult>;
  modelInfo(): ModelInfo;
}

export interface HandlerDeps {
  /** undefined until the model has loaded: calls answer UNAVAILABLE meanwhile. */
  runtime: () => InferenceRuntime | undefined;
  defaults: RequestDefaults;
  logger: Logger;
  metrics: InferenceMetrics;
  /** Debug only: log prompt and output text (synthetic data, never production). */
  logPrompts: boolean;
}

/**
 * The three RPCs. Each awaits the domain function, maps errors to a status through the one shared
 * mapper (unexpected errors are logged and answered INTERNAL), and answers exactly once.
 */
export function createInferenceHandlers(deps: HandlerDeps): InferenceHandlers {
  const logger = deps.logger.child({ component: 'grpc' });

  const toServiceError = (error: unknown): Partial<ServiceError> => {
    const { code, details } = toGrpcStatus(error);
    if (!(error instanceof AppError)) logger.error({ err: error }, 'unexpected error in an RPC');
    const metadata = new Metadata();
    if (error instanceof QueueFullError) metadata.set('retry-after-ms', String(error.retryAfterMs));
    return { code, details, metadata };
  };

  const requireRuntime = (): InferenceRuntime => {
    const runtime = deps.runtime();
    if (!runtime)
      throw new AppError(ErrorCode.ModelNotLoaded, 'The model is still loading; try again shortly', {
        retriable: true,
      });
    return runtime;
  };

  const record = (method: string, code: status, request?: InferenceRequest, result?: InferenceResult) => {
    deps.metrics.requests.inc({ method, status: status[code] });
    if (result) {
      deps.metrics.timeToFirstToken.observe(result.timings.timeToFirstTokenMs / 1000);
      if (result.timings.tokensPerSecond > 0)
        deps.metrics.tokensPerSecond.observe(result.timings.tokensPerSecond);
      logger.info(
        {
          method,
          requestId: result.requestId,
          strategy: result.strategy.name,
          promptTokens: result.promptTokens,
          completionTokens: result.completionTokens,
          totalMs: Math.round(result.timings.totalMs),
          queueMs: Math.round(result.timings.queueMs),
          ...(deps.logPrompts ? { debugPrompt: request?.messages, debugOutput: result.text } : {}),
        },
        'generated',
      );
    }
  };

  // The SERVER span of a call, the child of the caller's span named in its metadata (the trace of the
  // patient context being reviewed). It covers queueing and generation; a failure carries its code.
  const inServerSpan = <T>(method: string, metadata: Metadata, work: (span: Span) => Promise<T>) =>
    withSpan(
      `aloe.inference.v1.Inference/${method}`,
      {
        kind: SpanKind.SERVER,
        parent: extractGrpcMetadata(metadata),
        attributes: {
          [Attr.RpcSystem]: 'grpc',
          [Attr.RpcService]: 'aloe.inference.v1.Inference',
          [Attr.RpcMethod]: method,
        },
      },
      work,
    );

  return {
    Generate(call, callback) {
      const { signal, dispose } = signalForCall(call);
      let request: InferenceRequest | undefined;
      inServerSpan('Generate', call.metadata, (span) => {
        request = parseGenerateRequest(call.request, deps.defaults);
        span.setAttribute(Attr.InferenceRequestId, request.requestId);
        return requireRuntime().run(request, { signal });
      })
        .then((result) => {
          record('Generate', status.OK, request, result);
          callback(null, toGenerateResponse(result));
        })
        .catch((error: unknown) => {
          const serviceError = toServiceError(error);
          record('Generate', serviceError.code ?? status.INTERNAL);
          callback(serviceError);
        })
        .finally(dispose);
    },

    GenerateStream(call) {
      const { signal, dispose } = signalForCall(call);
      let request: InferenceRequest | undefined;
      inServerSpan('GenerateStream', call.metadata, (span) => {
        request = parseGenerateRequest(call.request, deps.defaults);
        span.setAttribute(Attr.InferenceRequestId, request.requestId);
        return requireRuntime().run(request, {
          signal,
          onTextChunk: (text) => {
            if (!call.cancelled) call.write({ textDelta: text });
          },
        });
      })
        .then((result) => {
          record('GenerateStream', status.OK, request, result);
          call.write({ final: toGenerateResponse(result) });
          call.end();
        })
        .catch((error: unknown) => {
          const serviceError = toServiceError(error);
          record('GenerateStream', serviceError.code ?? status.INTERNAL);
          if (!call.cancelled) call.emit('error', serviceError);
        })
        .finally(dispose);
    },

    GetModelInfo(_call, callback) {
      try {
        callback(null, requireRuntime().modelInfo());
        record('GetModelInfo', status.OK);
      } catch (error) {
        const serviceError = toServiceError(error);
        record('GetModelInfo', serviceError.code ?? status.INTERNAL);
        callback(serviceError);
      }
    },
  };
}
