import { addHealthRoutes, createErrorHandler, notFound } from '@aloe/shared/http';
import express, { type Express } from 'express';
import { type ApiRoutesDeps, createApiRoutes } from './http/api-routes.js';
import { type CdsRoutesDeps, createCdsRoutes } from './http/cds-routes.js';
import { createSidebarRoutes, type SidebarDeps } from './http/sidebar-routes.js';

export interface AppDeps extends CdsRoutesDeps, ApiRoutesDeps {
  /** Round trips to the real dependencies (EHR, Kafka) for /readyz. */
  ready: () => Promise<boolean>;
  /** The SMART sidebar page; without it, no /sidebar routes. */
  sidebar?: SidebarDeps;
}

/** The adapter's HTTP app (CDS Hooks, sidebar page, API, subscription notifications, health). Never listens. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // CDS Hooks answers are POST responses nobody revalidates: no ETag hashing of every body.
  app.set('etag', false);
  app.use(express.json({ type: ['application/json', 'application/fhir+json'], limit: '10mb' }));
  addHealthRoutes(app, deps.ready);
  app.use(createCdsRoutes(deps));
  app.use(createApiRoutes(deps));
  if (deps.sidebar) app.use(createSidebarRoutes(deps.sidebar));
  app.use(notFound);
  app.use(createErrorHandler(deps.logger));
  return app;
}
