import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import { AppError } from '../errors/app-error.js';
import { extractTraceContext, type HeaderCarrier } from './propagation.js';

/** The project's tracer (the API's no-op one until startTracing registers the SDK). */
export const tracer = () => trace.getTracer('aloe');

export interface SpanSettings {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent: default the active context; an extracted remote context for a trigger or a consumer. */
  parent?: Context;
  links?: Link[];
}

/**
 * What failed, as a span may say it: the error's stable code (or its class), never its message, which
 * can quote input (a chart, a prompt).
 */
export function errorType(error: unknown): string {
  if (error instanceof AppError) return error.code;
  if (error instanceof Error) return error.name;
  return 'unknown';
}

/** Marks a span failed with the error's code only (no message, no stack: they may quote PHI). */
export function markFailed(span: Span, error: unknown): void {
  const type = errorType(error);
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/**
 * Runs `work` in a new span made active for it (child spans and Kafka/gRPC propagation see it): the
 * span ends when the work settles, failed with the error's code when it throws.
 */
export async function withSpan<T>(
  name: string,
  settings: SpanSettings,
  work: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = settings.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    {
      kind: settings.kind ?? SpanKind.INTERNAL,
      ...(settings.attributes ? { attributes: settings.attributes } : {}),
      ...(settings.links ? { links: settings.links } : {}),
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** The active span (a no-op span when there is none), to add PHI-free attributes learnt along the way. */
export const activeSpan = (): Span => trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * The SERVER span of an incoming HTTP call that starts work (a trigger): named `<METHOD> <route>`, the
 * caller's `traceparent` (an EHR's) as its parent when it sent one, else the root of a new trace.
 */
export function withHttpServerSpan<T>(
  request: { method: string; headers: HeaderCarrier },
  route: string,
  work: (span: Span) => Promise<T> | T,
): Promise<T> {
  return withSpan(
    `${request.method} ${route}`,
    {
      kind: SpanKind.SERVER,
      parent: extractTraceContext(request.headers),
      attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route },
    },
    work,
  );
}
