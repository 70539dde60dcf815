// Tracing is off by default: no SDK, the API's no-op tracer, nothing sent anywhere. The same spans with
// an endpoint set do reach a real OTLP/HTTP receiver (the control that shows the test can fail).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ProxyTracerProvider, trace } from '@opentelemetry/api';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { buildHeaders, Header, isTraceparent } from '../kafka/headers.js';
import { createLogger } from '../logging/logger.js';
import { type OtlpReceiver, startOtlpReceiver } from '../testing/otlp-receiver.js';
import { injectTraceContext } from './propagation.js';
import { withSpan } from './spans.js';
import { startTracing } from './start-tracing.js';
import { tracingConfigFrom } from './tracing-config.js';

const logger = createLogger({ service: 'tracing-off-test', level: 'warn' });
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

const sdkRegistered = () =>
  (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() instanceof TracerProvider;

/** What a service does with a context: a span, a child span, the headers of a Kafka message. */
const someWork = () =>
  withSpan('trigger', { attributes: { 'aloe.context.id': 'c-1' } }, async (span) => {
    const headers = await withSpan('send topic', {}, () => injectTraceContext({}));
    return { recording: span.isRecording(), traceId: span.spanContext().traceId, headers };
  });

describe('tracing off by default', () => {
  it('starts no SDK without OTEL_* variables: no-op spans, nothing propagated', async () => {
    const tracing = startTracing(tracingConfigFrom({}, 'guardrails'), { logger });
    expect(tracing.enabled).toBe(false);
    expect(sdkRegistered()).toBe(false);
    const work = await someWork();
    expect(work).toEqual({ recording: false, traceId: '0'.repeat(32), headers: {} });
    // A Kafka message still gets a traceparent of its own, so it can be followed in logs.
    expect(isTraceparent(buildHeaders({ schemaVersion: '1.0' })[Header.TraceParent])).toBe(true);
    await tracing.shutdown();
  });

  it('exports nothing with OTEL_SDK_DISABLED=true, though an endpoint is set', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SDK_DISABLED: 'true' };
    const tracing = startTracing(tracingConfigFrom(env, 'guardrails'), { logger });
    expect(sdkRegistered()).toBe(false);
    expect((await someWork()).recording).toBe(false);
    await tracing.shutdown();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toBe(0);
  });

  it('exports the same work to the endpoint once it is set (OTLP/HTTP JSON, under the service name)', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'aloe-test' };
    const tracing = startTracing(tracingConfigFrom(env, 'guardrails'), { logger });
    expect(sdkRegistered()).toBe(true);
    const work = await someWork();
    expect(work.recording).toBe(true);
    await tracing.shutdown(); // flushes the batch
    expect(sdkRegistered()).toBe(false);
    const trigger = receiver.spans.find((span) => span.name === 'trigger');
    const send = receiver.spans.find((span) => span.name === 'send topic');
    expect(trigger).toMatchObject({ service: 'aloe-test', traceId: work.traceId, parentSpanId: '' });
    expect(trigger?.attributes['aloe.context.id']).toBe('c-1');
    expect(send).toMatchObject({ traceId: work.traceId, parentSpanId: trigger?.spanId });
    expect(work.headers.traceparent).toBe(`00-${work.traceId}-${send?.spanId}-01`);
  });
});
