import { Router } from '@koa/router';
import { RequestError } from '../../server/errors.ts';
import { requireRole } from '../../server/http/authMiddleware.ts';
import type { ApiRouterFactory } from '../../server/http/createHttpApp.ts';
import type { PipelineManager } from './PipelineManager.ts';

/**
 * `/api/pipelines`: read by any role; switching pipelines on and off is for operators; reloading the
 * config from disk is for admins (it applies whatever the file now says).
 */
export function pipelineApiRoutes(manager: PipelineManager): ApiRouterFactory {
  return () => {
    const router = new Router();
    router.get('/pipelines', (ctx) => {
      ctx.body = { ...manager.snapshot(), stageTypes: manager.stageTypes() };
    });
    router.post('/pipelines/reload', requireRole('admin'), async (ctx) => {
      const report = await manager.reload('api');
      if (!report.ok) {
        throw new RequestError(422, 'invalid_config', `the config was not applied; the running pipelines were kept:\n${report.problems.map((p) => `  - ${p}`).join('\n')}`, { report });
      }
      ctx.body = { report };
    });
    router.get('/pipelines/:id', (ctx) => {
      ctx.body = { pipeline: manager.get(ctx.params['id']!) };
    });
    router.post('/pipelines/:id/enable', requireRole('operator'), async (ctx) => {
      ctx.body = { pipeline: await manager.setEnabled(ctx.params['id']!, true) };
    });
    router.post('/pipelines/:id/disable', requireRole('operator'), async (ctx) => {
      ctx.body = { pipeline: await manager.setEnabled(ctx.params['id']!, false) };
    });
    return router;
  };
}
