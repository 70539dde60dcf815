// The trace context across process edges (Kafka headers, gRPC metadata, HTTP headers) with the real SDK
// recording into memory, and spans that fail saying only their error's code.

import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { InvalidInputError } from '../errors/app-error.js';
import { buildHeaders, Header, isTraceparent } from '../kafka/headers.js';
import { createLogger } from '../logging/logger.js';
import {
  extractGrpcMetadata,
  extractTraceContext,
  injectGrpcMetadata,
  injectTraceContext,
  traceparentOf,
} from './propagation.js';
import { withSpan } from './spans.js';
import { startTracing, type Tracing } from './start-tracing.js';
import { tracingConfigFrom } from './tracing-config.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
const INCOMING = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

beforeAll(() => {
  tracing = startTracing(
    tracingConfigFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }, 'propagation-test'),
    { logger: createLogger({ service: 'propagation-test', level: 'warn' }), exporter },
  );
});
afterAll(() => tracing.shutdown());

const finished = async () => {
  await tracing.forceFlush();
  return exporter.getFinishedSpans();
};

describe('trace context propagation', () => {
  it('continues an incoming traceparent: same trace, the caller as parent, tracestate kept', async () => {
    const parent = extractTraceContext({ traceparent: INCOMING, tracestate: 'ehr=abc' });
    const headers = await withSpan('trigger', { kind: SpanKind.SERVER, parent }, () =>
      injectTraceContext({}),
    );
    const trigger = (await finished()).find((span) => span.name === 'trigger')!;
    expect(trigger.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trigger.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(headers.traceparent).toBe(
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${trigger.spanContext().spanId}-01`,
    );
    expect(headers.tracestate).toBe('ehr=abc');
  });

  it('reads HTTP-style header arrays and ignores a malformed traceparent', () => {
    expect(trace.getSpanContext(extractTraceContext({ traceparent: [INCOMING] }))?.traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(trace.getSpanContext(extractTraceContext({ traceparent: '00-not-a-trace-01' }))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext({}))).toBeUndefined();
  });

  it('carries the caller span through gRPC metadata to the server span', async () => {
    let serverParent: string | undefined;
    await withSpan('client', { kind: SpanKind.CLIENT }, async (client) => {
      const metadata = injectGrpcMetadata(new Metadata());
      expect(metadata.get('traceparent')).toHaveLength(1);
      await withSpan(
        'server',
        { kind: SpanKind.SERVER, parent: extractGrpcMetadata(metadata) },
        async (server) => {
          expect(server.spanContext().traceId).toBe(client.spanContext().traceId);
          serverParent = client.spanContext().spanId;
        },
      );
    });
    const server = (await finished()).find((span) => span.name === 'server')!;
    expect(server.parentSpanContext?.spanId).toBe(serverParent);
  });

  it('puts the sending span into Kafka headers, and a fresh traceparent only when there is none', async () => {
    const propagated = await withSpan('send', { kind: SpanKind.PRODUCER }, () => {
      const trace = injectTraceContext({});
      return buildHeaders({ schemaVersion: '1.0', traceparent: trace.traceparent, tracestate: 'a=1' });
    });
    const send = (await finished()).find((span) => span.name === 'send')!;
    expect(propagated[Header.TraceParent]).toBe(
      `00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`,
    );
    expect(propagated[Header.TraceState]).toBe('a=1');

    const fresh = buildHeaders({ schemaVersion: '1.0', traceparent: 'garbage', tracestate: 'a=1' });
    expect(isTraceparent(fresh[Header.TraceParent])).toBe(true);
    expect(fresh[Header.TraceState]).toBeUndefined();
  });

  it('gives the active context to work started inside a span, across awaits', async () => {
    await withSpan('outer', {}, async (outer) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(traceparentOf()).toContain(outer.spanContext().spanId);
    });
    expect(trace.getSpan(context.active())).toBeUndefined();
  });

  it('marks a failed span with the error code only, never its message', async () => {
    const secret = 'Jane Doe, born 1950-01-01';
    await expect(
      withSpan('fails', {}, () => {
        throw new InvalidInputError(`bad chart for ${secret}`);
      }),
    ).rejects.toThrow(secret);
    const failed = (await finished()).find((span) => span.name === 'fails')!;
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'INVALID_INPUT' });
    expect(failed.attributes['error.type']).toBe('INVALID_INPUT');
    expect(
      JSON.stringify({ ...failed.attributes, events: failed.events, status: failed.status }),
    ).not.toContain('Jane');
  });
});
