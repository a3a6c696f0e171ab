import type { Namespace, Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { AppServices } from '../../../AppServices.ts';
import { RequestError } from '../../../errors.ts';
import type { AuthenticatedSocketData } from '../../../protocol/controlEvents.ts';
import {
  MEDIA_NAMESPACE,
  type MediaClientToServerEvents,
  type MediaError,
  type MediaErrorCode,
  type MediaServerToClientEvents,
} from '../../../protocol/mediaEvents.ts';
import { socketAuth } from '../../../sockets/socketAuth.ts';
import { formatZodError } from '../../../validation/formatIssues.ts';
import type { ProducerInfo } from '../../MediaContracts.ts';
import type { MediaIngressService } from '../MediaIngressService.ts';
import { MediaSession } from './MediaSession.ts';
import * as schemas from './signalingSchemas.ts';

export type MediaNamespace = Namespace<MediaClientToServerEvents, MediaServerToClientEvents, Record<string, never>, AuthenticatedSocketData>;
type MediaSocket = Socket<MediaClientToServerEvents, MediaServerToClientEvents, Record<string, never>, AuthenticatedSocketData>;

const KNOWN_EVENTS: ReadonlyArray<keyof MediaClientToServerEvents> = [
  'media:getRouterRtpCapabilities',
  'media:setRtpCapabilities',
  'media:createTransport',
  'media:connectTransport',
  'media:closeTransport',
  'media:produce',
  'media:closeProducer',
  'media:listen',
  'media:consume',
  'media:resumeConsumer',
  'media:closeConsumer',
  'media:producerStats',
];

const zoneChannel = (room: string, zone: string) => `zone:${room}/${zone}`;

const CODE_BY_STATUS: Record<number, MediaErrorCode> = { 400: 'invalid_request', 403: 'forbidden', 404: 'not_found', 429: 'limit', 503: 'unavailable' };

function toMediaError(err: unknown): MediaError {
  if (err instanceof RequestError) {
    const code = (['out_of_order', 'conflict', 'limit', 'unavailable', 'forbidden', 'not_found', 'invalid_request'] as const).find((c) => c === err.code) ?? CODE_BY_STATUS[err.status] ?? 'invalid_request';
    return { ok: false, code, error: err.message };
  }
  return { ok: false, code: 'internal', error: 'internal error; see the server log' };
}

/**
 * The `/media` signaling namespace: any token may connect (listeners), publishing needs operator.
 * Every event is validated with zod and answered through its ack, success or error; nothing a client
 * sends can throw into socket.io. Each connection's media is a MediaSession, closed on disconnect.
 */
export function registerMediaNamespace(io: Server, services: AppServices, service: MediaIngressService, logger: Logger): MediaNamespace {
  const nsp = io.of(MEDIA_NAMESPACE) as MediaNamespace;
  nsp.use(socketAuth(services.auth, 'overlay', services.config.server.trustProxy));
  const sessions = new Map<string, MediaSession>();

  // A zone's producer appeared, came back or went: tell its listeners (only this process has them).
  const announce = (info: ProducerInfo, live: boolean) => {
    if (info.origin !== 'injector' || !info.zone) return;
    nsp.local.to(zoneChannel(info.room, info.zone)).emit('media:zoneProducer', { room: info.room, zone: info.zone, producerId: live ? info.producerId : null });
  };
  service.on('producer-added', (info) => announce(info, true));
  service.on('producer-restored', (info) => announce(info, true));
  service.on('producer-interrupted', (info) => announce(info, false));
  service.on('producer-closed', (info) => announce(info, false));

  nsp.on('connection', (socket: MediaSocket) => {
    const session = new MediaSession({
      id: socket.id,
      role: socket.data.role,
      service,
      logger,
      emit: (event, ...args) => void (socket.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args),
      directory: sessions,
      joinZone: (room, zone) => void socket.join(zoneChannel(room, zone)),
    });
    sessions.set(socket.id, session);
    socket.on('disconnect', () => {
      sessions.delete(socket.id);
      session.close();
    });

    /**
     * One handler: find the ack (socket.io passes it last; a client may omit the payload), validate,
     * run in the session's queue, answer `{ ok: true, ...result }` or `{ ok: false, code, error }`.
     */
    const handle = <S extends z.ZodType, R extends object | void>(event: keyof MediaClientToServerEvents, schema: S, run: (request: z.output<S>) => Promise<R> | R) => {
      (socket as unknown as Socket).on(event, (...args: unknown[]) => {
        const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (result: unknown) => void) : undefined;
        if (!ack) {
          logger.debug({ event, session: socket.id }, 'media signaling call without an ack ignored');
          return;
        }
        const parsed = schema.safeParse(args[0]);
        if (!parsed.success) {
          ack({ ok: false, code: 'invalid_request', error: `invalid ${event} request: ${formatZodError(parsed.error, schema).replaceAll('\n', '; ')}` } satisfies MediaError);
          return;
        }
        session
          .run(async () => run(parsed.data))
          .then(
            (result) => ack({ ok: true, ...(result ?? {}) }),
            (err: unknown) => {
              if (!(err instanceof RequestError)) logger.error({ err, event, session: socket.id }, 'media signaling request failed');
              ack(toMediaError(err));
            },
          );
      });
    };

    // An event nobody handles would leave the client waiting for its ack forever: answer it.
    const known = new Set<string>(KNOWN_EVENTS);
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (known.has(event) || typeof ack !== 'function') return;
      (ack as (r: MediaError) => void)({ ok: false, code: 'invalid_request', error: `unknown event "${event}" (known: ${KNOWN_EVENTS.join(', ')})` });
    });

    handle('media:getRouterRtpCapabilities', schemas.GetRouterRtpCapabilitiesRequest, (r) => session.getRouterRtpCapabilities(r));
    handle('media:setRtpCapabilities', schemas.SetRtpCapabilitiesRequest, (r) => session.setRtpCapabilities(r));
    handle('media:createTransport', schemas.CreateTransportRequest, (r) => session.createTransport(r));
    handle('media:connectTransport', schemas.ConnectTransportRequest, (r) => session.connectTransport(r));
    handle('media:closeTransport', schemas.TransportRequest, (r) => session.closeTransport(r));
    handle('media:produce', schemas.ProduceRequest, (r) => session.produce(r));
    handle('media:closeProducer', schemas.CloseProducerRequest, (r) => session.closeProducer(r));
    handle('media:listen', schemas.ListenRequest, (r) => session.listen(r));
    handle('media:consume', schemas.ConsumeRequest, (r) => session.consume(r));
    handle('media:resumeConsumer', schemas.ConsumerRequest, (r) => session.resumeConsumer(r));
    handle('media:closeConsumer', schemas.ConsumerRequest, (r) => session.closeConsumer(r));
    handle('media:producerStats', schemas.ProducerStatsRequest, (r) => session.producerStats(r));
  });
  return nsp;
}
