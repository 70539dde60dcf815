import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors/app-error.js';
import { tracingConfigFrom } from './tracing-config.js';

describe('tracingConfigFrom', () => {
  it('is off without OTEL_* variables', () => {
    expect(tracingConfigFrom({}, 'guardrails')).toEqual({
      enabled: false,
      reason: 'no OTLP endpoint is set',
    });
  });

  it('is on with an endpoint, posting to its /v1/traces, under the service name', () => {
    const config = tracingConfigFrom({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'guardrails');
    expect(config).toMatchObject({
      enabled: true,
      serviceName: 'guardrails',
      tracesUrl: 'http://collector:4318/v1/traces',
      sampler: { name: 'parentbased_always_on' },
      batch: { scheduledDelayMillis: 5_000, maxQueueSize: 2_048, maxExportBatchSize: 512 },
    });
  });

  it('uses the traces endpoint as given, and OTEL_SERVICE_NAME over the service name', () => {
    expect(
      tracingConfigFrom(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/otlp/traces',
          OTEL_SERVICE_NAME: 'aloe-guardrails-eu',
          OTEL_BSP_SCHEDULE_DELAY: '200',
        },
        'guardrails',
      ),
    ).toMatchObject({
      enabled: true,
      serviceName: 'aloe-guardrails-eu',
      tracesUrl: 'https://collector.example/otlp/traces',
      batch: { scheduledDelayMillis: 200 },
    });
  });

  it('is on with OTEL_TRACES_EXPORTER=otlp alone, at the default local endpoint', () => {
    expect(tracingConfigFrom({ OTEL_TRACES_EXPORTER: 'otlp' }, 'inference')).toMatchObject({
      enabled: true,
      tracesUrl: 'http://localhost:4318/v1/traces',
    });
  });

  it('is off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever else is set', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingConfigFrom({ ...endpoint, OTEL_SDK_DISABLED: 'TRUE' }, 's').enabled).toBe(false);
    expect(tracingConfigFrom({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }, 's').enabled).toBe(false);
    expect(tracingConfigFrom({ ...endpoint, OTEL_SDK_DISABLED: 'false' }, 's').enabled).toBe(true);
  });

  it('refuses what it cannot honour, naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        tracingConfigFrom(env, 's');
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.join('\n');
        throw error;
      }
      return 'accepted';
    };
    expect(problems({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toMatch(
      /^OTEL_EXPORTER_OTLP_PROTOCOL: must be one of: http\/json, http\/protobuf/,
    );
    expect(problems({ OTEL_TRACES_EXPORTER: 'jaeger' })).toMatch(/^OTEL_TRACES_EXPORTER\.0: must be one of/);
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toMatch(
      /^OTEL_EXPORTER_OTLP_ENDPOINT: must be an absolute http\(s\) URL/,
    );
    expect(problems({ OTEL_TRACES_SAMPLER_ARG: '2' })).toMatch(/^OTEL_TRACES_SAMPLER_ARG: must be at most 1/);
    expect(
      problems({
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_BSP_MAX_QUEUE_SIZE: '10',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '20',
      }),
    ).toMatch(/^OTEL_BSP_MAX_EXPORT_BATCH_SIZE: must be at most OTEL_BSP_MAX_QUEUE_SIZE \(10\)/);
  });
});
