// Wiring only: configuration → logger → metrics → gRPC server → model → shutdown.
import { InferenceConfig } from '@aloe/shared/config';
import { bridgeGrpcLogs } from '@aloe/shared/logging';
import { createMetricsRegistry, startMetricsServer } from '@aloe/shared/metrics';
import { bootService } from '@aloe/shared/service';
import { createRuntime, type Runtime } from './create-runtime.js';
import { createInferenceServer } from './grpc/create-server.js';
import { createInferenceMetrics } from './metrics.js';
import { loadModel } from './model/load-model.js';

const { config, logger, shutdown } = bootService({
  service: 'inference',
  schema: InferenceConfig,
  env: process.env,
});
bridgeGrpcLogs(logger);

const registry = createMetricsRegistry('inference');
const metrics = createInferenceMetrics(registry);
const metricsServer = await startMetricsServer(registry, {
  port: config.metrics.port,
  host: config.grpc.host,
});
shutdown.onShutdown('metrics server', () => metricsServer.close());

// The server answers (health NOT_SERVING, calls UNAVAILABLE) while the model loads.
let runtime: Runtime | undefined;
const server = await createInferenceServer({
  host: config.grpc.host,
  port: config.grpc.port,
  runtime: () => runtime,
  defaults: config.defaults,
  logger,
  metrics,
  logPrompts: config.logPrompts,
});
logger.info(
  { port: server.port, metricsPort: metricsServer.port },
  'gRPC server listening; loading the model',
);
if (config.logPrompts)
  logger.warn(
    'INFERENCE_LOG_PROMPTS is on: prompts and outputs are logged; never use this with real patients',
  );

const loaded = await loadModel({
  source: config.model.source,
  modelsDir: config.model.modelsDir,
  label: config.model.label,
  ...config.runtime,
  logger,
});
shutdown.onShutdown('model', () => loaded.dispose());
runtime = createRuntime(loaded, { queueCapacity: config.queueCapacity, metrics });
shutdown.onShutdown('gRPC server', async () => {
  server.setServing(false);
  await runtime?.drain();
  await server.shutdown(config.shutdownTimeoutMs / 2);
});
server.setServing(true);
logger.info(
  {
    model: loaded.identity.id,
    testModel: loaded.identity.testModel,
    seedModel: loaded.identity.seedModel || undefined,
    stopTokens: loaded.stops.map((stop) => stop.id),
  },
  'serving',
);
