import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { MessageOutcome } from '../kafka/run-consumer.js';

/** A Prometheus registry with process metrics and a `service` label on every series. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface MetricsServer {
  /** The address it listens on, as bound (0.0.0.0: every interface). */
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` in the Prometheus text format on its own port (kept off the public API), on
 * `host`: each service's `*_METRICS_HOST`, 127.0.0.1 on a developer's machine and 0.0.0.0 in a container
 * (where Prometheus scrapes the pod's address).
 */
export async function startMetricsServer(
  registry: Registry,
  options: { host: string; port: number },
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('Not found: metrics are at GET /metrics\n');
      return;
    }
    registry
      .metrics()
      .then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text))
      .catch(() => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Counters and timings for a Kafka consumer; pass `record` as runConsumer's `onOutcome`. */
export function createConsumerMetrics(registry: Registry) {
  const messages = new Counter({
    name: 'aloe_kafka_messages_total',
    help: 'Messages consumed, by topic and outcome (processed, retried, dead-lettered)',
    labelNames: ['topic', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'aloe_kafka_message_duration_seconds',
    help: 'Time from receiving a message to committing its offset',
    labelNames: ['topic'] as const,
    buckets: [0.005, 0.02, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    record(outcome: MessageOutcome, info: { topic: string; durationMs: number }) {
      messages.inc({ topic: info.topic, outcome });
      duration.observe({ topic: info.topic }, info.durationMs / 1000);
    },
  };
}
