import type { Express } from 'express';

/**
 * `GET /healthz` (the process answers: liveness) and `GET /readyz` (its dependencies answer: 200 when
 * `ready()` resolves true, else 503), the same on every service.
 */
export function addHealthRoutes(app: Pick<Express, 'get'>, ready: () => Promise<boolean>): void {
  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    const isReady = await ready().catch(() => false);
    response.status(isReady ? 200 : 503).json({ status: isReady ? 'ready' : 'not ready' });
  });
}
