// Wiring only: configuration → logger → the service (metrics, gRPC server, model) → shutdown.
import { InferenceConfig } from '@aloe/shared/config';
import { bridgeGrpcLogs } from '@aloe/shared/logging';
import { bootService } from '@aloe/shared/service';
import { createService } from './create-service.js';

const { config, logger, shutdown } = bootService({
  service: 'inference',
  schema: InferenceConfig,
  env: process.env,
});
bridgeGrpcLogs(logger);

const service = await createService(config, { logger });
shutdown.onShutdown('inference service', () => service.close());
await service.ready;
