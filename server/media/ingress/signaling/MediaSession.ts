import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import { NotFoundError, RequestError } from '../../../errors.ts';
import { roleAtLeast, type Role } from '../../../protocol/roles.ts';
import type {
  ConsumerDescription,
  MediaServerToClientEvents,
  ServerProducerStats,
  TransportDescription,
  TransportDirection,
} from '../../../protocol/mediaEvents.ts';
import type { ProducerInfo } from '../../MediaContracts.ts';
import type { IngestConfig } from '../ingestConfig.ts';
import { mainCodec, toRtpCodec } from '../mediaCodecs.ts';
import type { MediaIngressService } from '../MediaIngressService.ts';
import type { Publication } from '../ProducerRegistry.ts';
import type { RoomMedia, RoomRouter } from '../RoomMedia.ts';
import type { z } from 'zod';
import type * as schemas from './signalingSchemas.ts';

interface SessionTransport {
  transport: types.WebRtcTransport;
  direction: TransportDirection;
  connected: boolean;
  router: RoomRouter;
}

interface SessionProducer {
  publication: Publication;
  transportId: string;
}

interface SessionConsumer {
  consumer: types.Consumer;
  transportId: string;
}

export const outOfOrder = (message: string) => new RequestError(409, 'out_of_order', message);
export const forbidden = (message: string) => new RequestError(403, 'forbidden', message);
export const overLimit = (message: string) => new RequestError(429, 'limit', message);
export const unavailable = (message: string) => new RequestError(503, 'unavailable', message);
export const conflict = (message: string) => new RequestError(409, 'conflict', message);

/** mediasoup's own refusals (bad parameters, closed objects) as answers the client can act on. */
async function mediasoupCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof RequestError) throw err;
    const error = err as Error;
    if (error.name === 'InvalidStateError') throw unavailable(`${what} failed: ${error.message} (a media worker may be restarting; try again)`);
    throw new RequestError(400, 'invalid_request', `${what} refused by mediasoup: ${error.message}`);
  }
}

/** Sessions find each other (a reconnecting publisher takes its labels back from its stale connection). */
export interface SessionDirectory {
  get(sessionId: string): MediaSession | undefined;
}

/**
 * One signaling connection's media: the room it is bound to, its transports, producers and consumers.
 * Requests run one at a time (a client cannot race itself); every step checks what must come before it
 * and answers with what is wrong. On disconnect its producers are interrupted (the publisher may come
 * back within the grace period) and everything else is closed.
 */
export class MediaSession {
  readonly id: string;
  readonly role: Role;
  private room: RoomMedia | undefined;
  private publisherId: string | undefined;
  private rtpCapabilities: types.RtpCapabilities | undefined;
  private readonly transports = new Map<string, SessionTransport>();
  private readonly producers = new Map<string, SessionProducer>();
  private readonly consumers = new Map<string, SessionConsumer>();
  private readonly zones = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Increases when the session's media is reset (worker restart): late completions are discarded. */
  private epoch = 0;
  private closed = false;
  private readonly service: MediaIngressService;
  private readonly config: IngestConfig;
  private readonly logger: Logger;
  private readonly emit: <E extends keyof MediaServerToClientEvents>(event: E, ...args: Parameters<MediaServerToClientEvents[E]>) => void;
  private readonly directory: SessionDirectory;
  private readonly joinZone: (room: string, zone: string) => void;
  private readonly onRouterLost = (router: types.Router, _primary: boolean, reason: string) => this.routerLost(router, reason);

  constructor(options: {
    id: string;
    role: Role;
    service: MediaIngressService;
    logger: Logger;
    emit: MediaSession['emit'];
    directory: SessionDirectory;
    joinZone: (room: string, zone: string) => void;
  }) {
    this.id = options.id;
    this.role = options.role;
    this.service = options.service;
    this.config = options.service.config;
    this.logger = options.logger.child({ session: options.id });
    this.emit = options.emit;
    this.directory = options.directory;
    this.joinZone = options.joinZone;
  }

  /** Run one request after the previous one finished. */
  run<T>(request: () => Promise<T>): Promise<T> {
    const next = this.queue.then(() => {
      if (this.closed) throw unavailable('the connection is closing');
      return request();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private requireRoom(): RoomMedia {
    if (!this.room) throw outOfOrder('no room yet: call media:getRouterRtpCapabilities { room } first');
    return this.room;
  }

  private requireRole(role: Role, action: string): void {
    if (!roleAtLeast(this.role, role)) throw forbidden(`${action} needs the ${role} role; this token has the ${this.role} role`);
  }

  private transport(transportId: string): SessionTransport {
    const entry = this.transports.get(transportId);
    if (!entry) throw new NotFoundError('transport', transportId, [...this.transports.keys()]);
    return entry;
  }

  /** Throw if the world changed while we awaited (reset or closed), closing what we just created. */
  private stillCurrent(epoch: number, created?: { close(): void; closed: boolean }): void {
    if (epoch === this.epoch && !this.closed) return;
    if (created && !created.closed) created.close();
    throw unavailable(this.closed ? 'the connection is closing' : 'the media worker restarted meanwhile: wait for media:reconnect and start again');
  }

  async getRouterRtpCapabilities(request: z.output<typeof schemas.GetRouterRtpCapabilitiesRequest>) {
    const room = this.service.room(request.room);
    if (this.room && this.room !== room) throw conflict(`this connection is bound to room "${this.room.id}"; open another connection for room "${room.id}"`);
    if (!this.room) {
      this.room = room;
      room.on('router-lost', this.onRouterLost);
    }
    if (request.publisherId) this.publisherId = request.publisherId;
    const epoch = this.epoch;
    const router = await withTimeout(room.primary(), 15_000, () => unavailable(`room "${room.id}" has no media router yet (its worker is restarting); try again`));
    this.stillCurrent(epoch);
    return { room: room.id, rtpCapabilities: router.router.rtpCapabilities, canPublish: roleAtLeast(this.role, 'operator') };
  }

  setRtpCapabilities(request: z.output<typeof schemas.SetRtpCapabilitiesRequest>): void {
    this.requireRoom();
    this.rtpCapabilities = request.rtpCapabilities as types.RtpCapabilities;
  }

  async createTransport(request: z.output<typeof schemas.CreateTransportRequest>): Promise<{ transport: TransportDescription }> {
    const room = this.requireRoom();
    if (request.direction === 'send') this.requireRole('operator', 'publishing (a send transport)');
    if (this.transports.size >= this.config.maxTransportsPerConnection) {
      throw overLimit(`at most ${this.config.maxTransportsPerConnection} transports per connection (ingest.maxTransportsPerConnection)`);
    }
    const epoch = this.epoch;
    const router = await withTimeout(request.direction === 'send' ? room.primary() : room.routerForListener(), 15_000, () =>
      unavailable(`room "${room.id}" has no media router right now (its worker is restarting); try again`),
    );
    this.stillCurrent(epoch);
    const transport = await mediasoupCall('createTransport', () =>
      router.router.createWebRtcTransport({
        listenIps: this.config.listenIps.map((l) => ({ ip: l.ip, ...(l.announcedAddress ? { announcedIp: l.announcedAddress } : {}) })),
        enableUdp: true,
        enableTcp: this.config.enableTcp,
        preferUdp: true,
        initialAvailableOutgoingBitrate: this.config.initialAvailableOutgoingBitrate,
        appData: { session: this.id, direction: request.direction },
      }),
    );
    this.stillCurrent(epoch, transport);
    if (request.direction === 'send') await transport.setMaxIncomingBitrate(this.config.maxIncomingBitrate).catch(() => undefined);
    this.transports.set(transport.id, { transport, direction: request.direction, connected: false, router });
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed' || state === 'closed') this.logger.info({ transportId: transport.id, state }, 'transport DTLS ended');
    });
    return {
      transport: {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates.map((c) => ({ ...c, address: c.ip, type: 'host' as const, tcpType: c.tcpType === 'passive' ? ('passive' as const) : undefined })),
        dtlsParameters: transport.dtlsParameters as TransportDescription['dtlsParameters'],
      },
    };
  }

  async connectTransport(request: z.output<typeof schemas.ConnectTransportRequest>): Promise<void> {
    this.requireRoom();
    const entry = this.transport(request.transportId);
    if (entry.connected) throw outOfOrder(`transport ${request.transportId} is already connected`);
    await mediasoupCall('connectTransport', () => entry.transport.connect({ dtlsParameters: request.dtlsParameters as types.DtlsParameters }));
    entry.connected = true;
  }

  async produce(request: z.output<typeof schemas.ProduceRequest>): Promise<{ producerId: string }> {
    const room = this.requireRoom();
    this.requireRole('operator', 'publishing');
    const entry = this.transport(request.transportId);
    if (entry.direction !== 'send') throw outOfOrder(`transport ${request.transportId} is a receive transport: produce on one created with direction "send"`);
    if (!entry.connected) throw outOfOrder(`transport ${request.transportId} is not connected yet: call media:connectTransport first`);
    if (this.producers.size >= this.config.maxProducersPerConnection) {
      throw overLimit(`at most ${this.config.maxProducersPerConnection} producers per connection (ingest.maxProducersPerConnection)`);
    }
    if (request.kind === 'video' && request.measurement) throw new RequestError(400, 'invalid_request', 'measurement: only microphones (kind "audio") have a measurement mode');

    const release = this.service.reserveLabel(room.id, request.label);
    try {
      const existing = this.service.registry.byLabel(room.id, request.label);
      if (existing) this.reclaim(existing, request.kind, request.label);
      const producerId = existing?.info.producerId ?? randomUUID();
      const epoch = this.epoch;
      const producer = await mediasoupCall('produce', () =>
        entry.transport.produce({
          id: producerId,
          kind: request.kind,
          rtpParameters: request.rtpParameters as types.RtpParameters,
          appData: { session: this.id, label: request.label },
        }),
      );
      this.stillCurrent(epoch, producer);
      const codec = toRtpCodec(mainCodec(producer.consumableRtpParameters));
      const owner = { type: 'session' as const, sessionId: this.id, publisherId: this.publisherId };
      const still = this.service.registry.get(producerId);
      let publication: Publication;
      if (still) {
        this.service.registry.restore(still, producer, entry.router, owner, { codec, measurement: request.measurement });
        publication = still;
      } else {
        const info: ProducerInfo = { producerId, room: room.id, kind: request.kind, origin: 'webrtc', label: request.label, measurement: request.measurement, codec };
        publication = this.service.registry.add(info, producer, entry.router, owner);
      }
      this.producers.set(producerId, { publication, transportId: entry.transport.id });
      return { producerId };
    } finally {
      release();
    }
  }

  /**
   * A label that exists already may be taken when it is interrupted (its publisher is gone), or live
   * but held by a stale connection of this same publisher (same publisherId: a reconnect raced ahead of
   * the server noticing the old connection died).
   */
  private reclaim(existing: Publication, kind: string, label: string): void {
    const room = existing.info.room;
    if (existing.info.origin !== 'webrtc') throw conflict(`label "${label}" in room "${room}" belongs to a ${existing.info.origin} producer`);
    if (existing.info.kind !== kind) throw conflict(`label "${label}" in room "${room}" is a ${existing.info.kind} producer; choose another label for ${kind}`);
    if (existing.info.interrupted) return;
    const owner = existing.owner;
    if (owner.type === 'session' && owner.sessionId === this.id) {
      // Re-published on a new transport of this connection (the client rebuilt its transport): replace it.
      this.producers.delete(existing.info.producerId);
      this.service.registry.interrupt(existing, 'republished by its publisher', this.config.reconnectGraceMs);
      return;
    }
    if (owner.type === 'session' && owner.publisherId !== undefined && owner.publisherId === this.publisherId) {
      this.directory.get(owner.sessionId)?.release(existing.info.producerId, 'a newer connection of the same publisher took this label');
      this.service.registry.interrupt(existing, 'taken over by a reconnecting publisher', this.config.reconnectGraceMs);
      return;
    }
    throw conflict(`label "${label}" is already published in room "${room}"`);
  }

  /** Forget a producer another connection took over (it is not ours to close any more). */
  release(producerId: string, reason: string): void {
    if (!this.producers.delete(producerId)) return;
    this.emit('media:producerClosed', { producerId, reason });
  }

  closeProducer(request: z.output<typeof schemas.CloseProducerRequest>): void {
    this.requireRoom();
    const entry = this.producers.get(request.producerId);
    if (!entry) throw new NotFoundError('producer of this connection', request.producerId, [...this.producers.keys()]);
    this.producers.delete(request.producerId);
    this.service.registry.close(entry.publication, 'closed by its publisher');
  }

  closeTransport(request: z.output<typeof schemas.TransportRequest>): void {
    this.requireRoom();
    const entry = this.transport(request.transportId);
    this.transports.delete(request.transportId);
    for (const [producerId, producer] of [...this.producers]) {
      if (producer.transportId !== request.transportId) continue;
      this.producers.delete(producerId);
      this.service.registry.interrupt(producer.publication, 'its transport was closed by the publisher', this.config.reconnectGraceMs);
    }
    for (const [consumerId, consumer] of [...this.consumers]) if (consumer.transportId === request.transportId) this.consumers.delete(consumerId);
    entry.transport.close();
  }

  listen(request: z.output<typeof schemas.ListenRequest>): { zone: string; producerId: string | null } {
    const room = this.requireRoom();
    if (!this.zones.has(request.zone)) {
      this.zones.add(request.zone);
      this.joinZone(room.id, request.zone);
    }
    return { zone: request.zone, producerId: this.service.zoneProducerId(room.id, request.zone) };
  }

  async consume(request: z.output<typeof schemas.ConsumeRequest>): Promise<{ consumer: ConsumerDescription }> {
    const room = this.requireRoom();
    if (!this.rtpCapabilities) throw outOfOrder('no RTP capabilities yet: call media:setRtpCapabilities with your device\'s capabilities first');
    const entry = this.transport(request.transportId);
    if (entry.direction !== 'recv') throw outOfOrder(`transport ${request.transportId} is a send transport: consume on one created with direction "recv"`);
    const publication = this.service.registry.get(request.producerId);
    if (!publication || publication.info.room !== room.id) {
      throw new NotFoundError('producer', request.producerId, this.service.producers(room.id).filter((p) => this.mayConsume(p)).map((p) => p.producerId));
    }
    if (!this.mayConsume(publication.info)) throw forbidden(`consuming ${publication.info.origin} producers needs the operator role; this token may consume zone audio only`);
    if (!publication.producer || publication.info.interrupted) throw unavailable(`producer ${request.producerId} is interrupted; wait for it to come back`);
    if (this.consumers.size >= this.config.maxConsumersPerConnection) {
      throw overLimit(`at most ${this.config.maxConsumersPerConnection} consumers per connection (ingest.maxConsumersPerConnection)`);
    }
    const epoch = this.epoch;
    await mediasoupCall('consume', () => room.ensureProducer(entry.router, request.producerId));
    this.stillCurrent(epoch);
    const rtpCapabilities = this.rtpCapabilities;
    if (!entry.router.router.canConsume({ producerId: request.producerId, rtpCapabilities })) {
      throw new RequestError(400, 'invalid_request', `your device cannot receive ${publication.info.codec.mimeType} (check the rtpCapabilities sent with media:setRtpCapabilities)`);
    }
    const consumer = await mediasoupCall('consume', () =>
      entry.transport.consume({ producerId: request.producerId, rtpCapabilities, paused: true, appData: { session: this.id } }),
    );
    this.stillCurrent(epoch, consumer);
    room.trackConsumer(entry.router, consumer);
    this.consumers.set(consumer.id, { consumer, transportId: entry.transport.id });
    const gone = (reason: string) => () => {
      if (!this.consumers.delete(consumer.id)) return;
      if (!consumer.closed) consumer.close();
      this.emit('media:consumerClosed', { consumerId: consumer.id, producerId: request.producerId, reason });
    };
    consumer.on('producerclose', gone('its producer closed'));
    consumer.on('transportclose', gone('its transport closed'));
    return { consumer: { id: consumer.id, producerId: request.producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters as ConsumerDescription['rtpParameters'] } };
  }

  private mayConsume(info: ProducerInfo): boolean {
    return info.origin === 'injector' || roleAtLeast(this.role, 'operator');
  }

  private consumer(consumerId: string): SessionConsumer {
    const entry = this.consumers.get(consumerId);
    if (!entry) throw new NotFoundError('consumer', consumerId, [...this.consumers.keys()]);
    return entry;
  }

  async resumeConsumer(request: z.output<typeof schemas.ConsumerRequest>): Promise<void> {
    this.requireRoom();
    const entry = this.consumer(request.consumerId);
    if (!this.transports.get(entry.transportId)?.connected) throw outOfOrder(`consumer ${request.consumerId}'s transport is not connected yet: call media:connectTransport first`);
    await mediasoupCall('resumeConsumer', () => entry.consumer.resume());
  }

  closeConsumer(request: z.output<typeof schemas.ConsumerRequest>): void {
    this.requireRoom();
    const entry = this.consumer(request.consumerId);
    this.consumers.delete(request.consumerId);
    entry.consumer.close();
  }

  async producerStats(request: z.output<typeof schemas.ProducerStatsRequest>): Promise<{ stats: ServerProducerStats }> {
    this.requireRoom();
    if (!this.producers.has(request.producerId)) throw new NotFoundError('producer of this connection', request.producerId, [...this.producers.keys()]);
    return { stats: { producerId: request.producerId, ...(await this.service.producerStats(request.producerId)) } };
  }

  /** A router of our room died with its worker: drop what lived on it and tell the client to start again. */
  private routerLost(router: types.Router, reason: string): void {
    const affected = [...this.transports.values()].some((t) => t.router.router === router);
    if (!affected || this.closed) return;
    this.epoch++;
    for (const entry of this.transports.values()) if (!entry.transport.closed) entry.transport.close();
    this.transports.clear();
    this.consumers.clear();
    // The service interrupted our publications (they keep their ids for `reconnectGraceMs`).
    this.producers.clear();
    const room = this.room!;
    this.logger.info({ room: room.id, reason }, 'telling the client to reconnect');
    this.emit('media:reconnect', { room: room.id, reason: 'media worker restarted' });
  }

  /** The connection is gone: publications wait for their publisher; everything else closes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.epoch++;
    this.room?.off('router-lost', this.onRouterLost);
    for (const { publication } of this.producers.values()) {
      if (publication.owner.type === 'session' && publication.owner.sessionId === this.id) {
        this.service.registry.interrupt(publication, 'publisher disconnected', this.config.reconnectGraceMs);
      }
    }
    this.producers.clear();
    for (const entry of this.transports.values()) if (!entry.transport.closed) entry.transport.close();
    this.transports.clear();
    this.consumers.clear();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(error()), ms)))]).finally(() => clearTimeout(timer));
}
