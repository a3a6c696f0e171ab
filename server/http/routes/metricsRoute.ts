import { Router } from '@koa/router';
import type { AppServices } from '../../AppServices.ts';
import { requireToken } from '../authMiddleware.ts';

/** Prometheus exposition; Prometheus sends the token as `authorization: Bearer` (any role). */
export function metricsRoute(services: Pick<AppServices, 'metrics' | 'auth' | 'config'>): Router {
  const router = new Router();
  const guard = services.config.metrics.requireToken ? [requireToken(services.auth, 'overlay')] : [];
  router.get('/metrics', ...guard, async (ctx) => {
    const { contentType, body } = await services.metrics.render();
    ctx.type = contentType;
    ctx.body = body;
  });
  return router;
}
