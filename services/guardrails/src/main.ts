// Wiring only: configuration → logger → the service (harm rail, audit database, inference client,
// Kafka consumers, HTTP) → shutdown.
import { GuardrailsConfig } from '@aloe/shared/config';
import { ConfigError } from '@aloe/shared/errors';
import { bridgeGrpcLogs } from '@aloe/shared/logging';
import { bootService, EXIT_CONFIG } from '@aloe/shared/service';
import { createService } from './create-service.js';

const { config, logger, shutdown } = bootService({
  service: 'guardrails',
  schema: GuardrailsConfig,
  env: process.env,
});
bridgeGrpcLogs(logger);

// A part the configuration cannot give (the harm rail's model, fail closed) stops start-up like a bad variable.
const service = await createService(config, { logger }).catch((error: unknown) => {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`guardrails: cannot start.\n${error.message}\n`);
  return process.exit(EXIT_CONFIG);
});
shutdown.onShutdown('guardrails service', () => service.close());
await service.ready;
