import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { NotFoundError, RequestError } from '../../errors.ts';
import type { MediaIngress, MediaIngressEvents, ProducerInfo, RtpInjector, RtpTap } from '../MediaContracts.ts';
import { ComediaProducer } from './ComediaProducer.ts';
import type { IngestConfig } from './ingestConfig.ts';
import { DEFAULT_PAYLOAD_TYPES, stableSsrc } from './mediaCodecs.ts';
import type { MediaWorkerPool } from './MediaWorkerPool.ts';
import { ProducerRegistry, type Publication } from './ProducerRegistry.ts';
import { ProducerTap } from './ProducerTap.ts';
import { RoomMedia } from './RoomMedia.ts';
import { ZONE_PATTERN } from '../../protocol/mediaEvents.ts';

/** Our own encoders send continuously: 3 s without packets means the encoder is gone (or restarted elsewhere). */
const INJECTOR_SILENCE_REARM_MS = 3_000;

const EVENTS: ReadonlyArray<keyof MediaIngressEvents> = ['producer-added', 'producer-closed', 'producer-interrupted', 'producer-restored'];

/**
 * The `media.ingress` service: rooms (one router each, overflow routers for listeners), every
 * publication (WebRTC, plain RTP, injectors) with stable producer ids, taps for the media bridge, and
 * audio injectors for listeners. Survives worker restarts: publications are interrupted, not lost.
 */
export class MediaIngressService extends EventEmitter<MediaIngressEvents> implements MediaIngress {
  readonly registry: ProducerRegistry;
  readonly pool: MediaWorkerPool;
  readonly config: IngestConfig;
  private readonly rooms = new Map<string, RoomMedia>();
  private readonly taps = new Map<string, Set<ProducerTap>>();
  private readonly injectors = new Map<string, ComediaProducer>();
  private readonly reservedLabels = new Set<string>();
  private readonly logger: Logger;
  private closed = false;

  constructor(options: { config: IngestConfig; pool: MediaWorkerPool; roomIds: readonly string[]; logger: Logger }) {
    super();
    this.setMaxListeners(0);
    this.config = options.config;
    this.pool = options.pool;
    this.logger = options.logger;
    this.registry = new ProducerRegistry(options.logger);
    for (const event of EVENTS) this.registry.on(event, (...args: unknown[]) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args));
    this.registry.on('producer-interrupted', (info, reason) => this.forTaps(info.producerId, (tap) => tap.onInterrupted(reason)));
    this.registry.on('producer-restored', (info) => this.forTaps(info.producerId, (tap) => tap.onRestored()));
    this.registry.on('producer-closed', (info) => this.forTaps(info.producerId, (tap) => tap.onProducerClosed()));
    options.roomIds.forEach((id, index) => {
      const room = new RoomMedia({ id, pool: options.pool, primarySlot: index, maxConsumersPerRouter: options.config.maxConsumersPerRouter, logger: options.logger });
      room.on('router-lost', (router, primary, reason) => {
        if (!primary) return;
        // Browser publishers get `reconnectGraceMs` to come back; our own inputs come back by themselves.
        for (const publication of this.registry.onRouter(router)) {
          this.registry.interrupt(publication, `media worker restarted (${reason})`, publication.owner.type === 'session' ? options.config.reconnectGraceMs : null);
        }
      });
      this.rooms.set(id, room);
    });
  }

  async start(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => room.start()));
  }

  roomIds(): string[] {
    return [...this.rooms.keys()];
  }

  /** A configured room, or a 404 naming the known ones. */
  room(id: string): RoomMedia {
    const room = this.rooms.get(id);
    if (!room) throw new NotFoundError('room', id, this.roomIds());
    return room;
  }

  producers(room?: string): ProducerInfo[] {
    return this.registry.list(room);
  }

  producer(producerId: string): ProducerInfo | undefined {
    const info = this.registry.get(producerId)?.info;
    return info ? { ...info } : undefined;
  }

  /** A live publication or a 404 (interrupted ones count as existing). */
  publication(producerId: string): Publication {
    const publication = this.registry.get(producerId);
    if (!publication) throw new NotFoundError('producer', producerId, this.registry.ids());
    return publication;
  }

  /** Hold a label while a publish is in flight, so two publishers can't both take it. */
  reserveLabel(room: string, label: string): () => void {
    const key = `${room}\u0000${label}`;
    if (this.reservedLabels.has(key)) throw new RequestError(409, 'conflict', `label "${label}" is being published in room "${room}" right now`);
    this.reservedLabels.add(key);
    return () => this.reservedLabels.delete(key);
  }

  private forTaps(producerId: string, action: (tap: ProducerTap) => void): void {
    for (const tap of [...(this.taps.get(producerId) ?? [])]) action(tap);
  }

  async tapProducer(producerId: string, rtpPort: number): Promise<RtpTap> {
    if (!Number.isInteger(rtpPort) || rtpPort < 1 || rtpPort > 65535) throw new RequestError(400, 'invalid_request', `rtpPort must be a UDP port (1-65535), got ${rtpPort}`);
    const publication = this.publication(producerId);
    const tap = new ProducerTap({
      registry: this.registry,
      info: { ...publication.info },
      rtpPort,
      logger: this.logger,
      onClose: (closed) => {
        const set = this.taps.get(producerId);
        set?.delete(closed);
        if (set?.size === 0) this.taps.delete(producerId);
      },
    });
    let set = this.taps.get(producerId);
    if (!set) this.taps.set(producerId, (set = new Set()));
    set.add(tap);
    try {
      await tap.start();
    } catch (err) {
      // A producer that went away meanwhile leaves a waiting tap (it binds on restore); anything else fails.
      const now = this.registry.get(producerId);
      if (!now) {
        await tap.close();
        throw new NotFoundError('producer', producerId, this.registry.ids());
      }
      if (!now.info.interrupted) {
        await tap.close();
        throw err;
      }
    }
    return tap;
  }

  async createAudioInjector(roomId: string, zone: string): Promise<RtpInjector> {
    const room = this.room(roomId);
    if (!ZONE_PATTERN.test(zone)) throw new RequestError(400, 'invalid_request', `zone "${zone}" must be 1-64 letters, digits, "-" or "_"`);
    const key = `${roomId}/${zone}`;
    if (this.injectors.has(key)) throw new RequestError(409, 'conflict', `zone "${zone}" of room "${roomId}" already has an audio injector`);
    const producerId = randomUUID();
    const injector = new ComediaProducer({
      producerId,
      room,
      registry: this.registry,
      label: `zone:${zone}`,
      kind: 'audio',
      codec: 'opus',
      payloadType: DEFAULT_PAYLOAD_TYPES.opus,
      ssrc: stableSsrc(`injector/${key}/${producerId}`),
      origin: 'injector',
      owner: { type: 'injector' },
      zone,
      listenIp: '127.0.0.1',
      silenceRearmMs: INJECTOR_SILENCE_REARM_MS,
      logger: this.logger.child({ injector: key }),
    });
    this.injectors.set(key, injector);
    try {
      await injector.start();
    } catch (err) {
      this.injectors.delete(key);
      await injector.close();
      throw err;
    }
    return {
      room: roomId,
      zone,
      producerId,
      payloadType: injector.payloadType,
      ssrc: injector.ssrc,
      rtpPort: injector.port,
      resetSender: () => injector.resetSender('the encoder restarted'),
      close: async () => {
        if (this.injectors.get(key) === injector) this.injectors.delete(key);
        await injector.close('injector closed');
      },
    };
  }

  /** The live producer of a room's zone, if any. */
  zoneProducerId(roomId: string, zone: string): string | null {
    const injector = this.injectors.get(`${roomId}/${zone}`);
    if (!injector) return null;
    const publication = this.registry.get(injector.producerId);
    return publication && !publication.info.interrupted ? publication.info.producerId : null;
  }

  zones(roomId?: string): Array<{ room: string; zone: string; producerId: string; live: boolean }> {
    return [...this.injectors.entries()]
      .map(([key, injector]) => {
        const [room, zone] = key.split('/') as [string, string];
        return { room, zone, producerId: injector.producerId, live: this.zoneProducerId(room, zone) !== null };
      })
      .filter((z) => roomId === undefined || z.room === roomId);
  }

  /** mediasoup's own receive statistics of a producer (summed over its streams). */
  async producerStats(producerId: string): Promise<{ bitrate: number; byteCount: number; packetCount: number; packetsLost: number; score: number }> {
    const producer = this.publication(producerId).producer;
    if (!producer || producer.closed) return { bitrate: 0, byteCount: 0, packetCount: 0, packetsLost: 0, score: 0 };
    const stats = await producer.getStats();
    return {
      bitrate: stats.reduce((sum, s) => sum + s.bitrate, 0),
      byteCount: stats.reduce((sum, s) => sum + s.byteCount, 0),
      packetCount: stats.reduce((sum, s) => sum + s.packetCount, 0),
      packetsLost: stats.reduce((sum, s) => sum + s.packetsLost, 0),
      score: producer.score.length ? Math.min(...producer.score.map((s) => s.score)) : 0,
    };
  }

  roomStats(): Array<{ room: string } & ReturnType<RoomMedia['stats']>> {
    return [...this.rooms.values()].map((room) => ({ room: room.id, ...room.stats() }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const taps of [...this.taps.values()]) for (const tap of [...taps]) await tap.close();
    for (const injector of this.injectors.values()) await injector.close('server stopping');
    this.injectors.clear();
    this.registry.closeAll('server stopping');
    for (const room of this.rooms.values()) room.close();
  }
}
