import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { z } from 'zod';
import type { AppServices } from '../AppServices.ts';
import type { RedisClient } from '../redis/RedisConnection.ts';
import {
  CONTROL_NAMESPACE,
  type AuthenticatedSocketData,
  type ControlClientToServerEvents,
  type ControlServerToClientEvents,
} from '../protocol/controlEvents.ts';
import { OVERLAY_NAMESPACE, type OverlayClientToServerEvents, type OverlayServerToClientEvents } from '../protocol/overlayEvents.ts';
import { formatZodError } from '../validation/formatIssues.ts';
import { RequestError } from '../errors.ts';
import { socketAuth } from './socketAuth.ts';

export type ControlNamespace = Namespace<ControlClientToServerEvents, ControlServerToClientEvents, Record<string, never>, AuthenticatedSocketData>;
export type OverlayNamespace = Namespace<OverlayClientToServerEvents, OverlayServerToClientEvents, Record<string, never>, AuthenticatedSocketData>;

/** Extra namespaces contributed by features, registered with the same auth and typed maps. */
export type NamespaceFactory = (io: Server, services: AppServices) => void;

const OverlaySyncSchema = z.strictObject({ room: z.string().min(1) });

export const overlayChannel = (room: string) => `overlay:${room}`;

/** Wrap an ack handler so bad payloads and request errors are answered, never thrown into socket.io. */
function errorAck(err: unknown): { ok: false; error: string } {
  if (err instanceof RequestError) return { ok: false, error: err.message };
  return { ok: false, error: 'internal error; see the server log' };
}

/**
 * One socket.io server on the HTTP server, sharing rooms across processes through the Redis adapter.
 * Every namespace authenticates; the default namespace is closed.
 */
export function createSocketServer(
  httpServer: HttpServer,
  services: AppServices,
  adapterClients: { pub: RedisClient; sub: RedisClient },
  extraNamespaces: readonly NamespaceFactory[] = [],
): Server {
  const { config, logger } = services;
  const origins = config.server.corsOrigins.map((o) => new URL(o).origin);
  const io = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 1_000_000,
    ...(origins.length ? { cors: { origin: origins } } : {}),
    adapter: createAdapter(adapterClients.pub, adapterClients.sub, { key: `${config.redis.keyPrefix}io` }),
  });

  io.use((_socket, next) => {
    const err = new Error('unknown namespace') as Error & { data: unknown };
    err.data = { message: `connect to ${CONTROL_NAMESPACE} or ${OVERLAY_NAMESPACE}` };
    next(err);
  });

  const control = io.of(CONTROL_NAMESPACE) as ControlNamespace;
  control.use(socketAuth(services.auth, 'operator', config.server.trustProxy));
  control.on('connection', (socket) => {
    socket.emit('health:snapshot', services.health.list());
    socket.on('health:get', (ack) => {
      if (typeof ack === 'function') ack(services.health.list());
    });
  });
  services.health.on('change', (entry) => control.local.emit('health:update', entry));
  services.health.on('remove', (entry) => control.local.emit('health:remove', entry.name));

  const overlay = io.of(OVERLAY_NAMESPACE) as OverlayNamespace;
  overlay.use(socketAuth(services.auth, 'overlay', config.server.trustProxy));
  overlay.on('connection', (socket) => {
    socket.on('overlay:sync', async (request, ack) => {
      if (typeof ack !== 'function') return; // nothing to answer to
      const parsed = OverlaySyncSchema.safeParse(request);
      if (!parsed.success) {
        ack({ ok: false, error: `invalid overlay:sync request: ${formatZodError(parsed.error, OverlaySyncSchema)}` });
        return;
      }
      try {
        const state = await services.overlay.getState(parsed.data.room);
        for (const room of socket.rooms) if (room !== socket.id) await socket.leave(room);
        await socket.join(overlayChannel(parsed.data.room));
        ack({ ok: true, state });
      } catch (err) {
        if (!(err instanceof RequestError)) logger.error({ err }, 'overlay:sync failed');
        ack(errorAck(err));
      }
    });
  });
  // Emitting through the namespace goes through the Redis adapter: overlays on every process get it.
  services.overlay.on('state', (state) => overlay.to(overlayChannel(state.room)).emit('overlay:state', state));
  services.overlay.on('alert', (alert) => overlay.to(overlayChannel(alert.room)).emit('overlay:alert', alert));

  for (const register of extraNamespaces) register(io, services);

  void services.pubsub.subscribe('auth.token_revoked', ({ tokenId }) => {
    for (const [, nsp] of io._nsps) {
      for (const [, socket] of nsp.sockets) {
        if ((socket.data as Partial<AuthenticatedSocketData>).tokenId === tokenId) socket.disconnect(true);
      }
    }
  });

  services.metrics.onCollect(() => {
    for (const [name, nsp] of io._nsps) services.metrics.socketClients.set({ namespace: name }, nsp.sockets.size);
  });
  return io;
}
