// Wiring only: configuration → logger → clients → servers → shutdown.
import { InferenceConfig } from '@aloe/shared/config';
import { bootService } from '@aloe/shared/service';

const { logger } = bootService({ service: 'inference', schema: InferenceConfig, env: process.env });

// The inference itself lands with issue #3; until then only its configuration is checked.
logger.error('the inference is not built yet (issue #3); configuration checked, exiting');
process.exitCode = 1;
