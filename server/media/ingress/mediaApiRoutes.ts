import { Router } from '@koa/router';
import { z } from 'zod';
import { requireRole } from '../../http/authMiddleware.ts';
import { parseOrThrow } from '../../validation/formatIssues.ts';
import { RtpInputSchema } from './ingestConfig.ts';
import type { MediaIngressService } from './MediaIngressService.ts';
import type { PlainRtpInputs } from './PlainRtpInputs.ts';

const ProducersQuery = z.strictObject({
  room: z.string().min(1).optional(),
  /** `1`: include mediasoup's receive statistics of each producer (bitrate, bytes, packets, score). */
  stats: z.enum(['0', '1']).optional(),
});

/**
 * Media ingest over HTTP: producers (with live receive statistics), workers and rooms, and plain-RTP
 * inputs (operators create and delete them; a device then sends RTP to the answered address and port).
 */
export function mediaApiRoutes(service: MediaIngressService, inputs: PlainRtpInputs): Router {
  const router = new Router({ prefix: '/media' });

  router.get('/producers', async (ctx) => {
    const query = parseOrThrow(ProducersQuery, ctx.query, 'query');
    if (query.room !== undefined) service.room(query.room);
    const producers = service.producers(query.room);
    ctx.body = {
      producers:
        query.stats === '1'
          ? await Promise.all(producers.map(async (p) => ({ ...p, stats: await service.producerStats(p.producerId).catch(() => null) })))
          : producers,
    };
  });

  router.get('/workers', (ctx) => {
    ctx.body = { workers: service.pool.status(), rooms: service.roomStats(), zones: service.zones() };
  });

  router.get('/rtp-inputs', (ctx) => {
    ctx.body = { inputs: inputs.list() };
  });

  router.get('/rtp-inputs/:id', async (ctx) => {
    const input = inputs.get(ctx.params['id']!);
    ctx.body = { ...input.description, stats: await inputs.stats(input.description.id) };
  });

  router.post('/rtp-inputs', requireRole('operator'), async (ctx) => {
    const input = parseOrThrow(RtpInputSchema, ctx.request.body, 'RTP input');
    ctx.status = 201;
    ctx.body = await inputs.create(input, 'api');
  });

  router.delete('/rtp-inputs/:id', requireRole('operator'), async (ctx) => {
    await inputs.delete(ctx.params['id']!);
    ctx.status = 204;
  });

  return router;
}
