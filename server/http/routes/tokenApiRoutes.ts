import { Router } from '@koa/router';
import { z } from 'zod';
import type { AppServices } from '../../AppServices.ts';
import { ROLES } from '../../protocol/roles.ts';
import { NotFoundError } from '../../errors.ts';
import { parseOrThrow } from '../../validation/formatIssues.ts';
import { requireRole } from '../authMiddleware.ts';

const CreateTokenSchema = z.strictObject({
  role: z.enum(ROLES),
  label: z.string().min(1).max(100).optional(),
});

/** Token management (admin only). The plain token appears once, in the creation response. */
export function tokenApiRoutes(services: Pick<AppServices, 'tokens' | 'bus' | 'pubsub' | 'logger'>): Router {
  const router = new Router();
  // Scoped to /tokens: a bare router.use() would also run for every /api router mounted after this one.
  router.use('/tokens', requireRole('admin'));
  router.get('/tokens', async (ctx) => {
    ctx.body = { tokens: await services.tokens.list() };
  });
  router.post('/tokens', async (ctx) => {
    const input = parseOrThrow(CreateTokenSchema, ctx.request.body, 'token request body');
    const { token, record } = await services.tokens.create(input.role, input.label);
    await services.bus.publish('auth.token_created', { tokenId: record.id, role: record.role, label: record.label });
    services.logger.info({ tokenId: record.id, role: record.role }, 'token created');
    ctx.status = 201;
    ctx.body = { token, record };
  });
  router.delete('/tokens/:id', async (ctx) => {
    const id = ctx.params['id']!;
    if (!(await services.tokens.revoke(id))) {
      throw new NotFoundError('token', id, (await services.tokens.list()).map((t) => t.id));
    }
    await services.bus.publish('auth.token_revoked', { tokenId: id });
    await services.pubsub.publish('auth.token_revoked', { tokenId: id });
    services.logger.info({ tokenId: id }, 'token revoked');
    ctx.status = 204;
  });
  return router;
}
