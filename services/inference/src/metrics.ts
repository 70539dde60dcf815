import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The inference service's Prometheus series (issue #3 §7). */
export function createInferenceMetrics(registry: Registry) {
  return {
    queueDepth: new Gauge({
      name: 'aloe_inference_queue_depth',
      help: 'Requests waiting for a free sequence',
      registers: [registry],
    }),
    busySequences: new Gauge({
      name: 'aloe_inference_busy_sequences',
      help: 'Context sequences generating right now',
      registers: [registry],
    }),
    timeToFirstToken: new Histogram({
      name: 'aloe_inference_time_to_first_token_seconds',
      help: 'From receiving a request to its first generated token (includes queueing)',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    tokensPerSecond: new Histogram({
      name: 'aloe_inference_tokens_per_second',
      help: 'Generated tokens per second of generation time, per request',
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
      registers: [registry],
    }),
    generatedTokens: new Counter({
      name: 'aloe_inference_generated_tokens_total',
      help: 'Tokens generated, all requests',
      registers: [registry],
    }),
    requests: new Counter({
      name: 'aloe_inference_requests_total',
      help: 'Finished RPCs by method and gRPC status',
      labelNames: ['method', 'status'] as const,
      registers: [registry],
    }),
  };
}
export type InferenceMetrics = ReturnType<typeof createInferenceMetrics>;
