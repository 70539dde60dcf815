import type { Metadata } from '@grpc/grpc-js';
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';

/** Headers as strings: Kafka headers after decodeHeaders, or an HTTP request's (lower-case names). */
export type HeaderCarrier = Readonly<Record<string, string | string[] | undefined>>;

const headerGetter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] ?? carrier[key.toLowerCase()],
};

const headerSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key).map(String);
    return values.length === 0 ? undefined : values;
  },
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (metadata, key, value) => metadata.set(key, value),
};

/**
 * Writes the context's trace (W3C `traceparent`, and `tracestate` when there is one) into `headers`.
 * Writes nothing when tracing is off or the context holds no span.
 */
export function injectTraceContext(
  headers: Record<string, string>,
  from: Context = context.active(),
): Record<string, string> {
  propagation.inject(from, headers, headerSetter);
  return headers;
}

/**
 * The remote parent named by incoming headers (an EHR's HTTP call, a Kafka message), on an empty
 * context: what happens to be active where the headers are read is not the work's parent.
 */
export function extractTraceContext(headers: HeaderCarrier): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** Puts the active trace into an outgoing gRPC call's metadata. */
export function injectGrpcMetadata(metadata: Metadata, from: Context = context.active()): Metadata {
  propagation.inject(from, metadata, metadataSetter);
  return metadata;
}

/** The caller's trace, from an incoming gRPC call's metadata. */
export function extractGrpcMetadata(metadata: Metadata): Context {
  return propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
}

/** The `traceparent` of a context's span, or undefined when it holds none (tracing off, no span). */
export function traceparentOf(from: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  injectTraceContext(carrier, from);
  return carrier.traceparent;
}

/** The span context a context carries, if valid: for links between a batch and its messages. */
export function spanContextOf(from: Context) {
  const spanContext = trace.getSpanContext(from);
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}
