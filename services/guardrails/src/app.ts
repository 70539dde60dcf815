import { addHealthRoutes, createErrorHandler, notFound } from '@aloe/shared/http';
import type { Logger } from '@aloe/shared/logging';
import express, { type Express } from 'express';
import { createCompliancePageRoutes } from './http/compliance-page.js';
import { type ComplianceRoutesDeps, createComplianceRoutes } from './http/compliance-routes.js';
import { createEvaluateRoutes } from './http/evaluate-routes.js';
import { createEvidenceRoutes } from './http/evidence-routes.js';
import { createValidateRoutes, type ValidateRoutesDeps } from './http/validate-routes.js';
import type { HarmClassifier } from './rails/harm/harm-classifier.js';

export interface AppDeps extends ComplianceRoutesDeps {
  logger: Logger;
  harm: HarmClassifier;
  ready: () => Promise<boolean>;
  /** The clock of evidence rows; default: the wall clock. */
  now?: () => Date;
  /**
   * The inference client and review settings for POST /v1/validate/review; an app without them (the
   * compliance API's tests) does not serve that route.
   */
  validation?: Pick<ValidateRoutesDeps, 'inference' | 'retryBudgetMs' | 'review'>;
}

/**
 * The guardrails HTTP app: the rails on their own, the go-live validation, the compliance API and its
 * page. Never listens.
 */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '5mb' }));
  addHealthRoutes(app, deps.ready);
  app.use(
    createEvaluateRoutes({
      harm: deps.harm,
      tokens: [...deps.complianceTokens, ...(deps.otherTokens ?? [])],
    }),
  );
  const compliance = { tokens: deps.complianceTokens, forbidden: deps.otherTokens ?? [] };
  if (deps.validation)
    app.use(
      createValidateRoutes({ ...deps.validation, harm: deps.harm, logger: deps.logger, ...compliance }),
    );
  app.use(createEvidenceRoutes({ audit: deps.audit, now: deps.now ?? (() => new Date()), ...compliance }));
  app.use(createComplianceRoutes(deps));
  app.use(createCompliancePageRoutes());
  app.use(notFound);
  app.use(createErrorHandler(deps.logger));
  return app;
}
