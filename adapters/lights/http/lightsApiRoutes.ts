import { Router } from '@koa/router';
import { z } from 'zod';
import type { AppServices } from '../../../server/AppServices.ts';
import { requireRole, type AuthState } from '../../../server/http/authMiddleware.ts';
import { parseOrThrow } from '../../../server/validation/formatIssues.ts';
import type { ProfileLibrary } from '../../../hardware/profiles/ProfileLibrary.ts';
import { StopRequestSchema } from '../engine/LightsEngine.ts';
import { FireCommandSchema, runFire } from '../FireCommand.ts';
import { ATTRIBUTES } from '../attributes.ts';
import { lightsSnapshot, type LightsViewSource } from '../views.ts';

const PreviewSchema = z.strictObject({
  fps: z.number().int().min(1).max(44).default(25),
  maxMs: z.number().int().min(100).max(30_000).default(15_000),
});

/**
 * `/api/lights/...`: read with any token; fire/stop/preview need an operator; patch edits (configuration)
 * need an admin.
 */
export function lightsApiRoutes(services: Pick<AppServices, 'overlay'>, source: LightsViewSource & { profiles: ProfileLibrary }): Router {
  const { engine, patch } = source;
  const router = new Router({ prefix: '/lights' });
  const trigger = (ctx: { state: unknown }, data?: Record<string, unknown>) => ({
    source: 'api',
    room: '',
    description: `fired by token ${(ctx.state as AuthState).token.id}`,
    ...(data ? { data } : {}),
  });

  router.get('/', (ctx) => {
    ctx.body = lightsSnapshot(source);
  });
  router.get('/effects', (ctx) => {
    ctx.body = { effects: engine.effects.list() };
  });
  router.get('/profiles', (ctx) => {
    ctx.body = {
      profiles: source.profiles.list().map(({ id, name, manufacturer, shape, footprint, channels }) => ({ id, name, manufacturer, shape, footprint, channels })),
    };
  });
  router.get('/state', (ctx) => {
    ctx.body = { attributes: ATTRIBUTES, fixtures: engine.states() };
  });
  router.get('/state/:fixture', (ctx) => {
    ctx.body = { attributes: ATTRIBUTES, ...engine.state(ctx.params['fixture']!) };
  });
  router.get('/firings', (ctx) => {
    ctx.body = { firings: engine.firings() };
  });

  router.post('/fire', requireRole('operator'), (ctx) => {
    const command = parseOrThrow(FireCommandSchema, ctx.request.body, 'fire request body');
    const { data, ...rest } = command;
    const firing = runFire(engine, services.overlay, rest, { ...trigger(ctx, data), room: rest.room ?? '' });
    ctx.status = 202;
    ctx.body = { firing };
  });
  router.post('/preview', requireRole('operator'), (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const { fps, maxMs, ...rest } = body;
    const options = parseOrThrow(PreviewSchema, { fps, maxMs }, 'preview options');
    const command = parseOrThrow(FireCommandSchema, rest, 'preview request body');
    const { data, announce: _announce, room: _room, ...request } = command;
    ctx.body = engine.preview(request, trigger(ctx, data), options);
  });
  router.post('/stop', requireRole('operator'), (ctx) => {
    const request = parseOrThrow(StopRequestSchema, ctx.request.body, 'stop request body');
    ctx.body = { stopped: engine.stop(request) };
  });
  router.delete('/firings/:id', requireRole('operator'), (ctx) => {
    ctx.body = { stopped: engine.stop({ firing: ctx.params['id']! }) };
  });

  router.get('/patch', (ctx) => {
    ctx.body = patch.info();
  });
  router.put('/patch', requireRole('admin'), (ctx) => {
    const body = parseOrThrow(z.strictObject({ fixtures: z.array(z.unknown()) }), ctx.request.body, 'patch request body');
    ctx.body = patch.replace(body.fixtures);
  });
  router.put('/patch/fixtures/:id', requireRole('admin'), (ctx) => {
    ctx.body = patch.upsert(ctx.params['id']!, ctx.request.body);
  });
  router.delete('/patch/fixtures/:id', requireRole('admin'), (ctx) => {
    ctx.body = patch.remove(ctx.params['id']!);
  });
  router.delete('/patch', requireRole('admin'), (ctx) => {
    ctx.body = patch.revert();
  });
  return router;
}
