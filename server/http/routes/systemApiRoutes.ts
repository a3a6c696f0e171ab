import { Router } from '@koa/router';
import type { AppServices } from '../../AppServices.ts';
import type { AuthState } from '../authMiddleware.ts';

/** Who am I, how is everything, which rooms exist: read-only, any role. */
export function systemApiRoutes(services: Pick<AppServices, 'health' | 'config'>): Router {
  const router = new Router();
  router.get('/whoami', (ctx) => {
    const { token } = ctx.state as AuthState;
    ctx.body = { tokenId: token.id, role: token.role, label: token.label ?? null };
  });
  router.get('/health', (ctx) => {
    ctx.body = { entries: services.health.list() };
  });
  router.get('/rooms', (ctx) => {
    ctx.body = { rooms: services.config.rooms.map((r) => ({ id: r.id, name: r.name ?? r.id })) };
  });
  return router;
}
