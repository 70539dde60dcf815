// Wiring only: configuration → logger → the service (Kafka, EHR client, card store, HTTP server,
// consumers) → shutdown.
import { FhirAdapterConfig } from '@aloe/shared/config';
import { bootService } from '@aloe/shared/service';
import { createService } from './create-service.js';

const { config, logger, shutdown } = bootService({
  service: 'fhir-adapter',
  schema: FhirAdapterConfig,
  env: process.env,
});

const service = await createService(config, { logger });
shutdown.onShutdown('fhir-adapter service', () => service.close());
await service.ready;
