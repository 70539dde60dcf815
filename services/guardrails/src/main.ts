// Wiring only: configuration → logger → clients → servers → shutdown.
import { GuardrailsConfig } from '@aloe/shared/config';
import { bootService } from '@aloe/shared/service';

const { logger } = bootService({ service: 'guardrails', schema: GuardrailsConfig, env: process.env });

// The guardrails itself lands with issue #5; until then only its configuration is checked.
logger.error('the guardrails is not built yet (issue #5); configuration checked, exiting');
process.exitCode = 1;
