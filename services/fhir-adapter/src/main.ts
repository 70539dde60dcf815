// Wiring only: configuration → logger → clients → servers → shutdown.
import { FhirAdapterConfig } from '@aloe/shared/config';
import { bootService } from '@aloe/shared/service';

const { logger } = bootService({ service: 'fhir-adapter', schema: FhirAdapterConfig, env: process.env });

// The fhir-adapter itself lands with issue #4; until then only its configuration is checked.
logger.error('the fhir-adapter is not built yet (issue #4); configuration checked, exiting');
process.exitCode = 1;
