import { addHealthRoutes, createErrorHandler, notFound } from '@aloe/shared/http';
import type { Logger } from '@aloe/shared/logging';
import express, { type Express } from 'express';
import { createCompliancePageRoutes } from './http/compliance-page.js';
import { type ComplianceRoutesDeps, createComplianceRoutes } from './http/compliance-routes.js';
import { createEvaluateRoutes } from './http/evaluate-routes.js';
import type { HarmClassifier } from './rails/harm/harm-classifier.js';

export interface AppDeps extends ComplianceRoutesDeps {
  logger: Logger;
  harm: HarmClassifier;
  ready: () => Promise<boolean>;
}

/** The guardrails HTTP app: the rails on their own, the compliance API and its page. Never listens. */
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
  app.use(createComplianceRoutes(deps));
  app.use(createCompliancePageRoutes());
  app.use(notFound);
  app.use(createErrorHandler(deps.logger));
  return app;
}
