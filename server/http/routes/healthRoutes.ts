import { Router } from '@koa/router';
import type { HealthRegistry } from '../../health/HealthRegistry.ts';

/**
 * Unauthenticated probes for supervisors and load balancers. They reveal only up/down and the names of
 * critical subsystems that are down, never configuration.
 */
export function healthRoutes(health: HealthRegistry): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    const { ready, notReady } = health.readiness();
    ctx.status = ready ? 200 : 503;
    ctx.body = ready ? { status: 'ready' } : { status: 'not_ready', down: notReady.map((e) => ({ name: e.name, reason: e.reason })) };
  });
  return router;
}
