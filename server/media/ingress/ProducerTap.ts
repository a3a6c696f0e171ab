import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { ProducerInfo, RtpCodec, RtpTap, RtpTapEvents } from '../MediaContracts.ts';
import type { ProducerRegistry } from './ProducerRegistry.ts';
import { localReceiverCapabilities, mainCodec, toRtpCodec } from './mediaCodecs.ts';
import { countConsumer } from './RoomMedia.ts';

interface TapBinding {
  transport: types.PlainTransport;
  consumer: types.Consumer;
  ssrc: number;
  codec: RtpCodec;
}

/**
 * A producer's RTP forwarded to 127.0.0.1:<rtpPort> (rtcp-mux) through a PlainTransport + Consumer on the
 * producer's router. It follows the producerId, not the mediasoup Producer: when the publication is
 * interrupted the binding goes, and when it is restored a new binding sends to the same port.
 * Only the producer's codec is offered (no RTX, no header extensions): plain RTP for a local decoder.
 */
export class ProducerTap extends EventEmitter<RtpTapEvents> implements RtpTap {
  readonly rtpPort: number;
  readonly producerId: string;
  private readonly registry: ProducerRegistry;
  private readonly logger: Logger;
  private lastInfo: ProducerInfo;
  private binding: TapBinding | undefined;
  private lastSsrc = 0;
  private lastCodec: RtpCodec;
  /** Increases on every (un)bind, so a bind that completes after the world moved on cleans up after itself. */
  private epoch = 0;
  private binding$: Promise<void> | undefined;
  private closed = false;
  /** After start(): every later binding is a resumption the owner must hear about. */
  private started = false;
  private readonly onClose: (tap: ProducerTap) => void;

  constructor(options: { registry: ProducerRegistry; info: ProducerInfo; rtpPort: number; logger: Logger; onClose: (tap: ProducerTap) => void }) {
    super();
    this.registry = options.registry;
    this.producerId = options.info.producerId;
    this.rtpPort = options.rtpPort;
    this.lastInfo = options.info;
    this.lastCodec = options.info.codec;
    this.logger = options.logger.child({ tap: this.producerId, rtpPort: this.rtpPort });
    this.onClose = options.onClose;
  }

  get producer(): ProducerInfo {
    const current = this.registry.get(this.producerId)?.info;
    if (current) this.lastInfo = { ...current };
    return this.lastInfo;
  }

  get codec(): RtpCodec {
    return this.binding?.codec ?? this.lastCodec;
  }

  /** The SSRC of the current binding (0 before the first one). */
  get ssrc(): number {
    return this.binding?.ssrc ?? this.lastSsrc;
  }

  get flowing(): boolean {
    return !!this.binding && !this.binding.consumer.closed;
  }

  /** Bind now if the producer is live (else wait for `restored`). Throws only on the first bind's errors. */
  async start(): Promise<void> {
    try {
      await this.bind();
    } finally {
      this.started = true;
    }
  }

  private bind(): Promise<void> {
    const epoch = ++this.epoch;
    const run = (async () => {
      const publication = this.registry.get(this.producerId);
      if (!publication?.producer || !publication.router || this.closed) return;
      const entry = publication.router;
      const router = entry.router;
      const transport = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false, appData: { tap: this.producerId } });
      try {
        await transport.connect({ ip: '127.0.0.1', port: this.rtpPort });
        const consumer = await transport.consume({
          producerId: this.producerId,
          rtpCapabilities: localReceiverCapabilities(router, publication.info.codec.mimeType),
          paused: false,
          appData: { tap: true },
        });
        if (epoch !== this.epoch || this.closed) {
          transport.close();
          return;
        }
        countConsumer(entry, consumer);
        const codec = toRtpCodec(mainCodec(consumer.rtpParameters));
        const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0;
        const resumed = this.started;
        this.binding = { transport, consumer, ssrc, codec };
        this.lastSsrc = ssrc;
        this.lastCodec = codec;
        const lost = (why: string) => () => {
          if (this.binding?.consumer === consumer) this.unbind(why);
        };
        consumer.on('producerclose', lost('producer closed'));
        consumer.on('transportclose', lost('transport closed'));
        if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
        this.logger.debug({ ssrc, payloadType: codec.payloadType }, 'tap bound');
        if (resumed) this.emit('resumed', { ssrc, codec });
      } catch (err) {
        if (!transport.closed) transport.close();
        throw err;
      }
    })();
    const tracked = run.finally(() => {
      if (this.binding$ === tracked) this.binding$ = undefined;
    });
    this.binding$ = tracked;
    return tracked;
  }

  private unbind(reason: string): void {
    this.epoch++;
    const binding = this.binding;
    this.binding = undefined;
    if (binding && !binding.transport.closed) binding.transport.close();
    if (binding && !this.closed) {
      this.logger.debug({ reason }, 'tap interrupted');
      this.emit('interrupted', reason);
    }
  }

  /** The service tells us what happened to the publication. */
  onInterrupted(reason: string): void {
    if (this.closed) return;
    if (this.binding) this.unbind(reason);
    else this.epoch++; // a bind in flight is stale now
  }

  onRestored(): void {
    if (this.closed) return;
    this.unbind('producer restored');
    this.bind().catch((err: Error) => this.logger.warn({ err: err.message }, 'tap could not re-bind; it waits for the next restore'));
  }

  onProducerClosed(): void {
    void this.closeWith('producer closed');
  }

  async requestKeyFrame(): Promise<void> {
    const consumer = this.binding?.consumer;
    if (!consumer || consumer.closed || consumer.kind !== 'video') return;
    await consumer.requestKeyFrame();
  }

  close(): Promise<void> {
    return this.closeWith('tap closed');
  }

  private async closeWith(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.epoch++;
    const binding = this.binding;
    this.binding = undefined;
    if (binding && !binding.transport.closed) binding.transport.close();
    this.onClose(this);
    this.emit('closed', reason);
  }
}
