// Wiring only: configuration → logger → the service (metrics, gRPC server, model) → shutdown.
import { InferenceConfig } from '@aloe/shared/config';
import { ConfigError } from '@aloe/shared/errors';
import { bridgeGrpcLogs } from '@aloe/shared/logging';
import { bootService, EXIT_CONFIG } from '@aloe/shared/service';
import { createService } from './create-service.js';

const { config, logger, shutdown } = bootService({
  service: 'inference',
  schema: InferenceConfig,
  env: process.env,
});
bridgeGrpcLogs(logger);

// TLS files that cannot be used stop start-up like a bad variable.
const service = await createService(config, { logger }).catch((error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`inference: cannot start.\n${error.message}\n`);
  return process.exit(EXIT_CONFIG);
});
shutdown.onShutdown('inference service', () => service.close());
await service.ready;
