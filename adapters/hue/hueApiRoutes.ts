import { Router } from '@koa/router';
import { z } from 'zod';
import { NotFoundError, RequestError } from '../../server/errors.ts';
import { requireRole } from '../../server/http/authMiddleware.ts';
import { parseOrThrow } from '../../server/validation/formatIssues.ts';
import type { HueBridge } from './HueBridge.ts';
import { HueBridgeError } from './HueBridgeError.ts';

const PairRequestSchema = z.strictObject({
  /** false: start pairing and answer at once (202); the bridge's status shows the outcome. */
  wait: z.boolean().default(true),
});

/** Bridge errors as HTTP answers that say what to do. */
function asRequestError(err: unknown): unknown {
  if (!(err instanceof HueBridgeError)) return err;
  switch (err.kind) {
    case 'link-button':
      return new RequestError(409, 'link_button_not_pressed', err.message);
    case 'unauthorized':
      return new RequestError(409, 'not_paired', err.message);
    case 'unreachable':
      return new RequestError(502, 'bridge_unreachable', err.message);
    case 'overloaded':
      return new RequestError(503, 'bridge_overloaded', `${err.message}; try again in a few seconds`);
    case 'rejected':
      return new RequestError(409, 'rejected', err.message);
    default:
      return new RequestError(502, 'bridge_error', err.message);
  }
}

/**
 * `/api/hue/...`: bridge status (any role), pairing (admin: it creates a credential), and live discovery
 * of lights and groups (any role) for the patch editor.
 */
export function hueApiRoutes(bridges: readonly HueBridge[]): Router {
  const router = new Router({ prefix: '/hue/bridges' });
  const find = (id: string): HueBridge => {
    const bridge = bridges.find((b) => b.id === id);
    if (!bridge) throw new NotFoundError('hue bridge', id, bridges.map((b) => b.id));
    return bridge;
  };

  router.get('/', (ctx) => {
    ctx.body = { bridges: bridges.map((b) => b.status()) };
  });

  router.get('/:id', (ctx) => {
    ctx.body = find(ctx.params['id']!).status();
  });

  router.post('/:id/pair', requireRole('admin'), async (ctx) => {
    const bridge = find(ctx.params['id']!);
    const { wait } = parseOrThrow(PairRequestSchema, ctx.request.body ?? {}, 'pair request body');
    if (bridge.credentialsFromConfig) {
      throw new RequestError(409, 'token_in_config', `hue bridge "${bridge.id}" has a token in the config (hue.bridges[].token): remove it there to pair from the API`);
    }
    const pairing = bridge.pair();
    if (!wait) {
      pairing.catch(() => undefined); // the outcome shows in the bridge's status and health
      ctx.status = 202;
      ctx.body = { pairing: 'waiting', message: `press the link button on Hue bridge "${bridge.id}"`, status: bridge.status() };
      return;
    }
    try {
      ctx.body = { ...(await pairing), status: bridge.status() };
    } catch (err) {
      throw asRequestError(err);
    }
  });

  router.get('/:id/lights', async (ctx) => {
    const bridge = find(ctx.params['id']!);
    try {
      ctx.body = { lights: await bridge.discoverLights() };
    } catch (err) {
      throw asRequestError(err);
    }
  });

  router.get('/:id/groups', async (ctx) => {
    const bridge = find(ctx.params['id']!);
    try {
      ctx.body = { groups: await bridge.discoverGroups() };
    } catch (err) {
      throw asRequestError(err);
    }
  });
  return router;
}
