import { context, DiagLogLevel, diag, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import { maskSecrets } from '../config/load-config.js';
import type { SamplerName, TracingConfig } from './tracing-config.js';

export interface Tracing {
  readonly enabled: boolean;
  /** Exports the spans queued so far (a no-op when tracing is off). */
  forceFlush(): Promise<void>;
  /** Exports the spans still queued and stops the SDK (a no-op when tracing is off). */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, forceFlush: async () => undefined, shutdown: async () => undefined };

function samplerOf({ name, ratio }: { name: SamplerName; ratio: number }): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * Starts the tracing SDK when the configuration asks for it: spans go in batches to the OTLP/HTTP
 * endpoint as JSON; the context follows async work (AsyncLocalStorage) and crosses processes as W3C
 * `traceparent`/`tracestate` (no baggage: what an EHR puts there is not ours to forward). Off, nothing
 * is registered: the API's no-op tracer answers, and spans cost a function call.
 * `exporter` replaces the OTLP exporter (tests).
 */
export function startTracing(
  config: TracingConfig,
  options: { logger: Logger; exporter?: SpanExporter },
): Tracing {
  if (!config.enabled) return OFF;
  const logger = options.logger.child({ component: 'tracing' });
  // The SDK reports export failures through `diag`; without a logger they would vanish.
  diag.setLogger(
    {
      error: (message) => logger.warn(message),
      warn: (message) => logger.warn(message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName })),
    sampler: samplerOf(config.sampler),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: options.exporter ?? new OTLPTraceExporter({ url: config.tracesUrl }),
        ...config.batch,
      }),
    ],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  logger.info(
    {
      serviceName: config.serviceName,
      tracesUrl: maskSecrets(config.tracesUrl),
      sampler: config.sampler.name,
    },
    'tracing on: spans are exported over OTLP/HTTP',
  );

  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => {
      stopped ??= (async () => {
        await provider.shutdown();
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      })();
      return stopped;
    },
  };
}
