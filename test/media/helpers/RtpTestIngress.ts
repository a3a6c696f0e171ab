import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { NotFoundError, RequestError } from '../../../server/errors.ts';
import type { MediaIngress, MediaIngressEvents, ProducerInfo, RtpCodec, RtpInjector, RtpTap, RtpTapEvents } from '../../../server/media/MediaContracts.ts';
import { freeUdpPort } from '../../../server/media/bridge/udpPort.ts';
import { OpusToneSender, spawnGst, stopChild, Vp8Sender, type Vp8SenderOptions } from './rtpSenders.ts';

/**
 * A MediaIngress whose producers are gst-launch encoders, for testing the bridge without mediasoup: a
 * "tap" starts the producer's encoder sending real RTP to the port the bridge bound (exactly what
 * mediasoup's PlainTransport would do), a keyframe request restarts the VP8 encoder (a keyframe
 * follows), and an "injector" is a port where a gst-launch receiver decodes the Opus RTP the bridge
 * sends, after checking each packet's payload type and SSRC.
 */

export const VP8: RtpCodec = { mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {} };
const OPUS: RtpCodec = { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {} };

export type SenderFactory = (port: number) => { start(): void | Promise<void>; stop(): Promise<void>; restartEncoder?(): Promise<void> };

class TestTap extends EventEmitter<RtpTapEvents> implements RtpTap {
  keyFrameRequests = 0;
  private closed = false;
  private lastRestart = 0;
  constructor(
    readonly producer: ProducerInfo,
    readonly rtpPort: number,
    readonly sender: ReturnType<SenderFactory>,
    private readonly onClose: (tap: TestTap) => void,
  ) {
    super();
  }
  get codec(): RtpCodec {
    return this.producer.codec;
  }
  get ssrc(): number {
    return 0;
  }
  get flowing(): boolean {
    return !this.closed;
  }
  async requestKeyFrame(): Promise<void> {
    this.keyFrameRequests++;
    // A browser answers PLIs at most every few hundred ms.
    if (this.sender.restartEncoder && Date.now() - this.lastRestart > 300) {
      this.lastRestart = Date.now();
      await this.sender.restartEncoder();
    }
  }
  async close(reason = 'tap closed'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sender.stop();
    this.onClose(this);
    this.emit('closed', reason);
  }
}

/** What arrived at an injector: PCM decoded from the RTP, and what the RTP headers said. */
export class InjectorReceiver {
  readonly payloadTypes = new Set<number>();
  readonly ssrcs = new Set<number>();
  /** Where the RTP came from (comedia locks onto one source address: it must not change). */
  readonly sourcePorts = new Set<number>();
  packets = 0;
  private readonly pcm: Buffer[] = [];
  constructor(
    private readonly socket: Socket,
    private readonly decoder: ChildProcess,
  ) {}
  /** Mono 48 kHz float32 decoded so far. */
  samples(): Float32Array {
    const all = Buffer.concat(this.pcm);
    return new Float32Array(all.buffer, all.byteOffset, Math.floor(all.length / 4));
  }
  clear(): void {
    this.pcm.length = 0;
  }
  static async start(port: number): Promise<InjectorReceiver> {
    const decoderPort = await freeUdpPort();
    const decoder = spawnGst(
      [
        'udpsrc', 'address=127.0.0.1', `port=${decoderPort}`, 'caps=application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111',
        '!', 'rtpjitterbuffer', 'latency=40', '!', 'rtpopusdepay', '!', 'opusdec', '!', 'audioconvert', '!', 'audioresample',
        '!', 'audio/x-raw,format=F32LE,rate=48000,channels=1', '!', 'fdsink', 'fd=1', 'sync=false',
      ],
      ['ignore', 'pipe', 'pipe'],
    );
    const socket = createSocket({ type: 'udp4', recvBufferSize: 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    const receiver = new InjectorReceiver(socket, decoder);
    decoder.stdout!.on('data', (chunk: Buffer) => receiver.pcm.push(chunk));
    socket.on('message', (packet, remote) => {
      receiver.packets++;
      receiver.sourcePorts.add(remote.port);
      receiver.payloadTypes.add(packet[1]! & 0x7f);
      receiver.ssrcs.add(packet.readUInt32BE(8));
      socket.send(packet, decoderPort, '127.0.0.1');
    });
    return receiver;
  }
  async stop(): Promise<void> {
    this.socket.close();
    await stopChild(this.decoder);
  }
}

export class RtpTestIngress extends EventEmitter<MediaIngressEvents> implements MediaIngress {
  private readonly entries = new Map<string, { info: ProducerInfo; sender: SenderFactory }>();
  readonly taps = new Set<TestTap>();
  readonly injectors = new Map<string, { injector: RtpInjector; receiver: InjectorReceiver }>();
  private nextId = 1;
  /** tapProducer fails with this once set (a producer that vanished while tapping). */
  failNextTap: Error | undefined;

  constructor(private readonly rooms: readonly string[] = ['demo']) {
    super();
  }

  addVideoProducer(options: { room?: string; label: string } & Omit<Vp8SenderOptions, 'port'>): ProducerInfo {
    const { room = 'demo', label, ...sender } = options;
    return this.add({ room, label, kind: 'video', codec: VP8 }, (port) => new Vp8Sender({ ...sender, port }));
  }

  addToneProducer(options: { room?: string; label: string; frequency: number }): ProducerInfo {
    return this.add({ room: options.room ?? 'demo', label: options.label, kind: 'audio', codec: OPUS }, (port) => new OpusToneSender({ port, frequency: options.frequency }));
  }

  /** A producer whose RTP comes from any sender (e.g. one in another process). */
  addProducer(base: Pick<ProducerInfo, 'room' | 'label' | 'kind' | 'codec'>, sender: SenderFactory): ProducerInfo {
    return this.add(base, sender);
  }

  private add(base: Pick<ProducerInfo, 'room' | 'label' | 'kind' | 'codec'>, sender: SenderFactory): ProducerInfo {
    const info: ProducerInfo = { ...base, producerId: `test-producer-${this.nextId++}`, origin: 'rtp' };
    this.entries.set(info.producerId, { info, sender });
    this.emit('producer-added', info);
    return info;
  }

  /** The publisher leaves for good: its taps close, the bridge's sources end. */
  async closeProducer(producerId: string): Promise<void> {
    const entry = this.entries.get(producerId);
    if (!entry) return;
    this.entries.delete(producerId);
    for (const tap of [...this.taps]) if (tap.producer.producerId === producerId) await tap.close('producer closed');
    this.emit('producer-closed', entry.info);
  }

  tapsOf(producerId: string): TestTap[] {
    return [...this.taps].filter((tap) => tap.producer.producerId === producerId);
  }

  producers(room?: string): ProducerInfo[] {
    return [...this.entries.values()].map((e) => e.info).filter((p) => room === undefined || p.room === room);
  }

  producer(producerId: string): ProducerInfo | undefined {
    return this.entries.get(producerId)?.info;
  }

  async tapProducer(producerId: string, rtpPort: number): Promise<RtpTap> {
    const entry = this.entries.get(producerId);
    if (!entry) throw new NotFoundError('producer', producerId, [...this.entries.keys()]);
    if (this.failNextTap) {
      const err = this.failNextTap;
      this.failNextTap = undefined;
      throw err;
    }
    const sender = entry.sender(rtpPort);
    await sender.start();
    const tap = new TestTap(entry.info, rtpPort, sender, (closed) => this.taps.delete(closed));
    this.taps.add(tap);
    return tap;
  }

  async createAudioInjector(room: string, zone: string): Promise<RtpInjector> {
    if (!this.rooms.includes(room)) throw new NotFoundError('room', room, this.rooms);
    const key = `${room}/${zone}`;
    if (this.injectors.has(key)) throw new RequestError(409, 'conflict', `zone "${zone}" of room "${room}" already has an audio injector`);
    const rtpPort = await freeUdpPort();
    const receiver = await InjectorReceiver.start(rtpPort);
    const injector: RtpInjector = {
      room,
      zone,
      producerId: `injector-${key}`,
      payloadType: 111,
      ssrc: 0x0bad_cafe,
      rtpPort,
      resetSender: async () => undefined, // the receiver takes any sender
      close: async () => {
        this.injectors.delete(key);
        await receiver.stop();
      },
    };
    this.injectors.set(key, { injector, receiver });
    return injector;
  }

  async close(): Promise<void> {
    for (const tap of [...this.taps]) await tap.close();
    for (const { injector } of [...this.injectors.values()]) await injector.close();
  }
}
