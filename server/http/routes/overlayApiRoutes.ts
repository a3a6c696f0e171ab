import { Router } from '@koa/router';
import type { AppServices } from '../../AppServices.ts';
import { AlertInputSchema, BannerInputSchema } from '../../overlay-state/OverlayService.ts';
import { parseOrThrow } from '../../validation/formatIssues.ts';
import { requireRole } from '../authMiddleware.ts';

/** Overlay state per room: readable with any token, writable by operators. */
export function overlayApiRoutes(services: Pick<AppServices, 'overlay'>): Router {
  const router = new Router({ prefix: '/rooms/:room/overlay' });
  router.get('/', async (ctx) => {
    ctx.body = await services.overlay.getState(ctx.params['room']!);
  });
  router.put('/banner', requireRole('operator'), async (ctx) => {
    const room = ctx.params['room']!;
    services.overlay.assertRoom(room);
    const { text } = parseOrThrow(BannerInputSchema, ctx.request.body, 'banner request body');
    ctx.body = await services.overlay.setBanner(room, text);
  });
  router.post('/alerts', requireRole('operator'), (ctx) => {
    const room = ctx.params['room']!;
    services.overlay.assertRoom(room);
    const input = parseOrThrow(AlertInputSchema, ctx.request.body, 'alert request body');
    ctx.status = 202;
    ctx.body = services.overlay.showAlert(room, input);
  });
  return router;
}
