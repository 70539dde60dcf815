import { type InferenceConfig, readServerTls } from '@aloe/shared/config';
import { createLogger, type Logger } from '@aloe/shared/logging';
import { createMetricsRegistry, startMetricsServer } from '@aloe/shared/metrics';
import type { Registry } from 'prom-client';
import { createRuntime, type Runtime } from './create-runtime.js';
import { createInferenceServer } from './grpc/create-server.js';
import { createInferenceMetrics } from './metrics.js';
import { type LoadedModel, loadModel } from './model/load-model.js';

export interface InferenceServiceClients {
  /** Default: the service's logger at the configured level. */
  logger?: Logger;
  /** Default: a registry of its own, every series labelled service="inference". */
  registry?: Registry;
  /** Default: loadModel. Tests wrap it to hold the load back or to keep the loaded model. */
  loadModel?: typeof loadModel;
  /** The chat template's clock (Llama 3.1 writes the date); default: the wall clock. */
  today?: () => Date;
}

export interface InferenceService {
  readonly grpcPort: number;
  /** The plain-text Health-only port (INFERENCE_HEALTH_PORT); undefined when not configured. */
  readonly healthPort: number | undefined;
  readonly metricsPort: number;
  /** The address /metrics listens on (INFERENCE_METRICS_HOST). */
  readonly metricsHost: string;
  /** Resolves once the model is loaded and health says SERVING; rejects if the model cannot load. */
  readonly ready: Promise<void>;
  /**
   * Health NOT_SERVING, queued requests fail UNAVAILABLE, requests in flight finish (within half the
   * shutdown timeout), then the gRPC server, the model and the metrics server close. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * The inference service: /metrics, then the gRPC server (health NOT_SERVING and calls UNAVAILABLE
 * while the model loads), then the model behind the scheduler; SERVING once it is loaded. TLS files
 * that cannot be used stop it first, with a ConfigError naming their variables.
 */
export async function createService(
  config: InferenceConfig,
  clients: InferenceServiceClients = {},
): Promise<InferenceService> {
  const tls = config.grpc.tls ? readServerTls(config.grpc.tls) : undefined;
  const logger = clients.logger ?? createLogger({ service: 'inference', level: config.logLevel });
  const registry = clients.registry ?? createMetricsRegistry('inference');
  const metrics = createInferenceMetrics(registry);
  const metricsServer = await startMetricsServer(registry, config.metrics);

  let runtime: Runtime | undefined;
  let loaded: LoadedModel | undefined;
  let closing: Promise<void> | undefined;
  const server = await createInferenceServer({
    host: config.grpc.host,
    port: config.grpc.port,
    tls,
    healthPort: config.grpc.healthPort,
    runtime: () => runtime,
    defaults: config.defaults,
    logger,
    metrics,
    logPrompts: config.logPrompts,
  }).catch(async (error: unknown) => {
    await metricsServer.close();
    throw error;
  });
  logger.info(
    {
      port: server.port,
      tls: tls ? (tls.clientCa ? 'mutual' : 'server') : 'off',
      healthPort: server.healthPort,
      metricsPort: metricsServer.port,
    },
    'gRPC server listening; loading the model',
  );
  if (config.logPrompts)
    logger.warn(
      'INFERENCE_LOG_PROMPTS is on: prompts and outputs are logged; never use this with real patients',
    );

  const ready = (async () => {
    loaded = await (clients.loadModel ?? loadModel)({
      source: config.model.source,
      modelsDir: config.model.modelsDir,
      label: config.model.label,
      ...config.runtime,
      logger,
    });
    if (closing) return;
    runtime = createRuntime(loaded, {
      queueCapacity: config.queueCapacity,
      metrics,
      maxPromptBytes: config.limits.maxPromptBytes,
      ...(clients.today ? { today: clients.today } : {}),
    });
    server.setServing(true);
    logger.info(
      {
        model: loaded.identity.id,
        testModel: loaded.identity.testModel,
        seedModel: loaded.identity.seedModel || undefined,
        stopTokens: loaded.stops.map((stop) => stop.id),
        limits: runtime.limits,
      },
      'serving',
    );
  })();

  const close = async () => {
    server.setServing(false);
    // A model still loading is disposed of once it has loaded; a failed load has nothing to close.
    await ready.catch(() => undefined);
    await runtime?.drain();
    await server.shutdown(config.shutdownTimeoutMs / 2);
    await loaded?.dispose();
    await metricsServer.close();
  };

  return {
    grpcPort: server.port,
    healthPort: server.healthPort,
    metricsPort: metricsServer.port,
    metricsHost: metricsServer.host,
    ready,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}
