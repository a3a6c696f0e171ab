import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { MediaKind, ProducerInfo } from '../MediaContracts.ts';
import type { ProducerRegistry, Publication, PublicationOwner } from './ProducerRegistry.ts';
import type { RoomMedia } from './RoomMedia.ts';
import type { RtpInputCodecName } from './ingestConfig.ts';
import { mainCodec, plainSenderRtpParameters, toRtpCodec } from './mediaCodecs.ts';

export interface ComediaProducerOptions {
  producerId: string;
  room: RoomMedia;
  registry: ProducerRegistry;
  label: string;
  kind: MediaKind;
  codec: RtpInputCodecName;
  payloadType: number;
  ssrc: number;
  origin: ProducerInfo['origin'];
  owner: PublicationOwner;
  zone?: string | undefined;
  /** Address the transport binds (loopback for our own encoders; a LAN address for devices). */
  listenIp: string;
  /** Fixed port, or undefined to take one from the workers' range (then kept across worker restarts). */
  port?: number | undefined;
  /**
   * Comedia locks onto the first sender's address and ignores every other one, so a sender that restarts
   * from a new source port would be ignored for good. After this long without packets from the locked
   * sender, the port is re-armed (a new transport on the same port learns the next sender).
   */
  silenceRearmMs: number;
  logger: Logger;
}

export interface ComediaProducerStats {
  /** Bytes and packets the producer received (since its current mediasoup producer started). */
  byteCount: number;
  packetCount: number;
  bitrate: number;
  /** Video: keyframes mediasoup recognised (none means consumers get no picture; see PlainRtpInputs). */
  keyframes: number | null;
  /** Where the sender's packets come from, once it sent any. */
  remote: { ip: string; port: number } | null;
}

/**
 * A mediasoup Producer fed by plain RTP on a fixed UDP port: comedia (the remote address is learned from
 * the first packet), rtcp-mux, one codec, one SSRC. Used for devices without a browser and for our own
 * generated audio. It keeps producerId, port, payload type and SSRC when its worker restarts, so the
 * sender never needs to be told anything.
 */
export class ComediaProducer {
  readonly producerId: string;
  readonly payloadType: number;
  readonly ssrc: number;
  private readonly options: ComediaProducerOptions;
  private readonly logger: Logger;
  private transport: types.PlainTransport | undefined;
  private publication: Publication | undefined;
  private fixedPort: number | undefined;
  private closed = false;
  private rebuilding = false;
  private keyframes = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private lastBytes = 0;
  private lastBytesAt = Date.now();
  private readonly onPrimaryUp = () => void this.recreate('worker restarted');

  constructor(options: ComediaProducerOptions) {
    this.options = options;
    this.producerId = options.producerId;
    this.payloadType = options.payloadType;
    this.ssrc = options.ssrc;
    this.fixedPort = options.port;
    this.logger = options.logger.child({ producerId: options.producerId, label: options.label });
  }

  /** The UDP port to send RTP to. */
  get port(): number {
    if (this.fixedPort === undefined) throw new Error('not started');
    return this.fixedPort;
  }

  get live(): boolean {
    return !!this.transport && !this.transport.closed;
  }

  async start(): Promise<void> {
    const { producer, router } = await this.create();
    const { options } = this;
    const info: ProducerInfo = {
      producerId: this.producerId,
      room: options.room.id,
      kind: options.kind,
      origin: options.origin,
      label: options.label,
      codec: toRtpCodec(mainCodec(producer.consumableRtpParameters)),
      zone: options.zone,
    };
    this.publication = options.registry.add(info, producer, router, options.owner);
    options.room.on('primary-up', this.onPrimaryUp);
    this.watchdog = setInterval(() => void this.checkSender(), Math.max(250, Math.min(1_000, options.silenceRearmMs / 3)));
    this.watchdog.unref();
  }

  /** Forget the sender's address now (e.g. its encoder restarted from a new source port). */
  async resetSender(reason = 'sender reset'): Promise<void> {
    if (this.closed || !this.publication) return;
    const transport = this.transport;
    this.transport = undefined;
    this.options.registry.interrupt(this.publication, reason, null);
    if (transport && !transport.closed) transport.close();
    await this.recreate(reason);
  }

  private async checkSender(): Promise<void> {
    const transport = this.transport;
    if (this.closed || this.rebuilding || !transport || transport.closed) return;
    const producer = this.publication?.producer;
    if (!producer || producer.closed) return;
    try {
      // The producer's count, not the transport's: packets from other senders reach the transport and are dropped.
      const stats = await producer.getStats();
      if (transport !== this.transport) return;
      const bytes = stats.reduce((sum, s) => sum + s.byteCount, 0);
      const now = Date.now();
      if (bytes !== this.lastBytes) {
        this.lastBytes = bytes;
        this.lastBytesAt = now;
        return;
      }
      // Locked onto a sender that went quiet: listen for whoever sends next.
      if (transport.tuple.remotePort && now - this.lastBytesAt >= this.options.silenceRearmMs) {
        this.logger.info({ port: this.fixedPort, silentMs: now - this.lastBytesAt }, 'plain RTP sender silent; re-arming the port for the next sender');
        await this.resetSender('sender went silent; waiting for a sender on the same port');
      }
    } catch {
      // The worker is restarting: the next round looks again.
    }
  }

  private async create(): Promise<{ producer: types.Producer; router: NonNullable<Publication['router']> }> {
    const { options } = this;
    const room = await options.room.primary();
    const transport = await room.router.createPlainTransport({
      listenIp: { ip: options.listenIp },
      ...(this.fixedPort === undefined ? {} : { port: this.fixedPort }),
      rtcpMux: true,
      comedia: true,
      appData: { input: this.producerId },
    });
    try {
      const producer = await transport.produce({
        id: this.producerId,
        kind: options.kind,
        rtpParameters: plainSenderRtpParameters(options.codec, this.payloadType, this.ssrc),
        appData: { origin: options.origin },
      });
      this.fixedPort = transport.tuple.localPort;
      if (this.closed) {
        transport.close();
        throw new Error('closed');
      }
      this.transport = transport;
      this.keyframes = 0;
      if (options.kind === 'video') {
        // Consumers start at a keyframe; count the ones mediasoup recognises so a sender whose packets it
        // can't parse (VP8 without picture IDs) is diagnosed instead of silently showing nothing.
        await producer.enableTraceEvent(['keyframe']);
        producer.on('trace', (trace) => {
          if (trace.type === 'keyframe') this.keyframes++;
        });
      }
      this.lastBytes = 0;
      this.lastBytesAt = Date.now();
      transport.on('tuple', (tuple) => this.logger.info({ remote: `${tuple.remoteIp}:${tuple.remotePort}` }, 'plain RTP sender detected'));
      return { producer, router: room };
    } catch (err) {
      if (!transport.closed) transport.close();
      throw err;
    }
  }

  /** Same id, port, SSRC on the (new) router: after a worker restart or a re-arm (retried while the port is still held). */
  private async recreate(why: string): Promise<void> {
    if (this.closed || this.live || !this.publication || this.rebuilding) return;
    this.rebuilding = true;
    try {
      for (let attempt = 1; attempt <= 10 && !this.closed && !this.live; attempt++) {
        try {
          const { producer, router } = await this.create();
          this.options.registry.restore(this.publication, producer, router, this.options.owner, { codec: toRtpCodec(mainCodec(producer.consumableRtpParameters)) });
          this.logger.info({ port: this.fixedPort, why }, 'plain RTP producer recreated');
          return;
        } catch (err) {
          if (this.closed) return;
          this.logger.warn({ err: (err as Error).message, attempt }, 'could not recreate the plain RTP producer yet');
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    } finally {
      this.rebuilding = false;
    }
  }

  async stats(): Promise<ComediaProducerStats> {
    const producer = this.publication?.producer;
    const transport = this.transport;
    const stats = producer && !producer.closed ? await producer.getStats() : [];
    const tuple = transport && !transport.closed ? transport.tuple : undefined;
    return {
      byteCount: stats.reduce((sum, s) => sum + s.byteCount, 0),
      packetCount: stats.reduce((sum, s) => sum + s.packetCount, 0),
      bitrate: stats.reduce((sum, s) => sum + s.bitrate, 0),
      keyframes: this.options.kind === 'video' ? this.keyframes : null,
      remote: tuple?.remoteIp && tuple.remotePort ? { ip: tuple.remoteIp, port: tuple.remotePort } : null,
    };
  }

  async close(reason = 'closed'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    this.options.room.off('primary-up', this.onPrimaryUp);
    if (this.publication) this.options.registry.close(this.publication, reason);
    if (this.transport && !this.transport.closed) this.transport.close();
    this.transport = undefined;
  }
}
