import { randomBytes, randomUUID } from 'node:crypto';
import type { IHeaders } from 'kafkajs';

/**
 * Header names used on every topic (docs/architecture.md#kafka-topics-and-headers), and on dead-lettered
 * copies.
 */
export const Header = {
  ContentType: 'content-type',
  SchemaVersion: 'schema-version',
  CorrelationId: 'correlation-id',
  TraceParent: 'traceparent',
  /** W3C Trace Context vendor state; sent only with the `traceparent` it belongs to. */
  TraceState: 'tracestate',
  DeadLetterReason: 'dlq-reason',
  DeadLetterMessage: 'dlq-message',
  DeadLetterTopic: 'dlq-original-topic',
  DeadLetterPartition: 'dlq-original-partition',
  DeadLetterOffset: 'dlq-original-offset',
  DeadLetterGroup: 'dlq-consumer-group',
  DeadLetterAttempts: 'dlq-attempts',
  DeadLetterAt: 'dlq-failed-at',
  /** On a letter that did not fit whole: what was cut (`value`, `key`, `headers`, comma-separated). */
  DeadLetterTruncated: 'dlq-truncated',
  DeadLetterValueBytes: 'dlq-original-value-bytes',
  DeadLetterValueSha256: 'dlq-original-value-sha256',
  DeadLetterExcerptBytes: 'dlq-excerpt-bytes',
} as const;

export const JSON_CONTENT_TYPE = 'application/json';

/** Kafka headers as plain strings (KafkaJS gives Buffers, or arrays when a header repeats: first wins). */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) decoded[name] = value.toString();
  }
  return decoded;
}

/** A new W3C Trace Context `traceparent` (version 00, sampled). */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

export function isTraceparent(value: string | undefined): value is string {
  return value !== undefined && /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(value);
}

/**
 * The headers a producer sends: content type, schema version, correlation id and trace context. The
 * trace context is the one given (the sending span's, propagated); without a valid one (tracing off) a
 * fresh `traceparent` still lets the message be followed.
 */
export function buildHeaders(options: {
  schemaVersion: string;
  correlationId?: string | undefined;
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}): Record<string, string> {
  const propagated = isTraceparent(options.traceparent);
  return {
    [Header.ContentType]: JSON_CONTENT_TYPE,
    [Header.SchemaVersion]: options.schemaVersion,
    [Header.CorrelationId]: options.correlationId ?? randomUUID(),
    [Header.TraceParent]: propagated ? options.traceparent! : newTraceparent(),
    ...(propagated && options.tracestate ? { [Header.TraceState]: options.tracestate } : {}),
  };
}
