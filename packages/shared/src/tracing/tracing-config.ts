import { z } from 'zod';
import { envEnum, envInt, envList, envString } from '../config/env.js';
import { loadConfig } from '../config/load-config.js';

const SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

const httpUrl = () => z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' });

/**
 * The standard OpenTelemetry variables this project honours (OTLP over HTTP with JSON bodies). Anything
 * else the exporter reads for itself: OTEL_EXPORTER_OTLP_[TRACES_]HEADERS, _TIMEOUT, _COMPRESSION.
 */
const OtelEnv = z
  .object({
    OTEL_SDK_DISABLED: z
      .string()
      .transform((value) => value.trim().toLowerCase() === 'true')
      .default(false),
    OTEL_TRACES_EXPORTER: envList()
      .pipe(z.array(envEnum(['otlp', 'none'])))
      .optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl().optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl().optional(),
    // The exporter sends JSON; an OTLP/HTTP receiver takes JSON and protobuf on the same path, so
    // http/protobuf (the spec's default, often set out of habit) is served as JSON. gRPC is another port.
    OTEL_EXPORTER_OTLP_PROTOCOL: envEnum(['http/json', 'http/protobuf']).optional(),
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: envEnum(['http/json', 'http/protobuf']).optional(),
    OTEL_SERVICE_NAME: envString().optional(),
    OTEL_TRACES_SAMPLER: envEnum(SAMPLERS).default('parentbased_always_on'),
    OTEL_TRACES_SAMPLER_ARG: z.coerce
      .number({ message: 'must be a number from 0 to 1' })
      .min(0, 'must be at least 0')
      .max(1, 'must be at most 1')
      .default(1),
    OTEL_BSP_SCHEDULE_DELAY: envInt({ min: 1, max: 600_000 }).default(5_000),
    OTEL_BSP_EXPORT_TIMEOUT: envInt({ min: 1, max: 600_000 }).default(30_000),
    OTEL_BSP_MAX_QUEUE_SIZE: envInt({ min: 1, max: 1_000_000 }).default(2_048),
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: envInt({ min: 1, max: 1_000_000 }).default(512),
  })
  .superRefine((env, ctx) => {
    if (env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE > env.OTEL_BSP_MAX_QUEUE_SIZE)
      ctx.addIssue({
        code: 'custom',
        path: ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
        message: `must be at most OTEL_BSP_MAX_QUEUE_SIZE (${env.OTEL_BSP_MAX_QUEUE_SIZE})`,
      });
  });

export type TracingConfig =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      serviceName: string;
      /** Where spans are POSTed (OTLP/HTTP, JSON): `<endpoint>/v1/traces` or the traces endpoint as given. */
      tracesUrl: string;
      sampler: { name: SamplerName; ratio: number };
      batch: {
        scheduledDelayMillis: number;
        exportTimeoutMillis: number;
        maxQueueSize: number;
        maxExportBatchSize: number;
      };
    };

const DEFAULT_OTLP_HTTP_ENDPOINT = 'http://localhost:4318';

/**
 * Whether (and where) this service exports traces. Off unless asked for: an OTLP endpoint is set, or
 * OTEL_TRACES_EXPORTER=otlp (then the spec's default endpoint, localhost:4318). OTEL_SDK_DISABLED=true
 * and OTEL_TRACES_EXPORTER=none turn it off whatever else is set. Throws ConfigError naming each bad
 * variable.
 */
export function tracingConfigFrom(
  env: Readonly<Record<string, string | undefined>>,
  defaultServiceName: string,
): TracingConfig {
  const otel = loadConfig(OtelEnv, env);
  if (otel.OTEL_SDK_DISABLED) return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  const exporters = otel.OTEL_TRACES_EXPORTER;
  if (exporters && !exporters.includes('otlp'))
    return { enabled: false, reason: 'OTEL_TRACES_EXPORTER=none' };
  const endpoint = otel.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? otel.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!exporters && !endpoint) return { enabled: false, reason: 'no OTLP endpoint is set' };
  return {
    enabled: true,
    serviceName: otel.OTEL_SERVICE_NAME ?? defaultServiceName,
    // The signal's own endpoint is used as given; the general one gets the signal's path (OTLP spec).
    tracesUrl:
      otel.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
      `${(otel.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_OTLP_HTTP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`,
    sampler: { name: otel.OTEL_TRACES_SAMPLER, ratio: otel.OTEL_TRACES_SAMPLER_ARG },
    batch: {
      scheduledDelayMillis: otel.OTEL_BSP_SCHEDULE_DELAY,
      exportTimeoutMillis: otel.OTEL_BSP_EXPORT_TIMEOUT,
      maxQueueSize: otel.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: otel.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    },
  };
}
