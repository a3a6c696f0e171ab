import { Router } from '@koa/router';
import { z } from 'zod';
import type { AppServices } from '../../AppServices.ts';
import type { AuthState } from '../authMiddleware.ts';
import { requireRole } from '../authMiddleware.ts';
import { parseOrThrow } from '../../validation/formatIssues.ts';

const RunActionSchema = z.strictObject({
  room: z.string().min(1),
  action: z.unknown(),
});

/** List action types; run one by hand (the UI's "test" buttons). */
export function actionApiRoutes(services: Pick<AppServices, 'actions' | 'overlay'>): Router {
  const router = new Router();
  router.get('/actions', (ctx) => {
    ctx.body = { types: services.actions.list() };
  });
  router.post('/actions/run', requireRole('operator'), async (ctx) => {
    const { room, action } = parseOrThrow(RunActionSchema, ctx.request.body, 'action request body');
    services.overlay.assertRoom(room);
    const prepared = services.actions.prepare(action, ['action'], 'action request body');
    const { token } = ctx.state as AuthState;
    await prepared.run({ source: 'api', room, description: `run by token ${token.id}` });
    ctx.status = 202;
    ctx.body = { ran: prepared.type };
  });
  return router;
}
