import { Device, type types } from 'mediasoup-client';
import { describeConnectError, mediaCall, openMediaSocket, type MediaSocket } from '../../capture/src/media/MediaSignaling.ts';

export type ListenerState = 'connecting' | 'waiting' | 'playing' | 'reconnecting' | 'refused';

export interface ListenerSnapshot {
  state: ListenerState;
  detail: string;
  signaling: 'connected' | 'connecting' | 'disconnected';
  transport: RTCPeerConnectionState | 'none';
  producerId: string | null;
  reconnects: number;
}

const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000];

/**
 * Plays one zone's generated audio: follows the zone's producer as it appears, goes and comes back
 * (`media:zoneProducer`), and starts over after a lost connection or the server's `media:reconnect`.
 */
export class Listener {
  private readonly socket: MediaSocket;
  private readonly room: string;
  private readonly zone: string;
  private readonly onChange: (snapshot: ListenerSnapshot) => void;
  private readonly onTrack: (track: MediaStreamTrack | null) => void;
  private device: Device | undefined;
  private transport: types.Transport | undefined;
  private consumer: types.Consumer | undefined;
  private session = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Consume/drop steps run one after the other. */
  private chain: Promise<void> = Promise.resolve();
  private disposed = false;
  private snapshot: ListenerSnapshot = { state: 'connecting', detail: 'Connecting…', signaling: 'connecting', transport: 'none', producerId: null, reconnects: 0 };

  constructor(options: { token: string; room: string; zone: string; onChange: (s: ListenerSnapshot) => void; onTrack: (track: MediaStreamTrack | null) => void }) {
    this.room = options.room;
    this.zone = options.zone;
    this.onChange = options.onChange;
    this.onTrack = options.onTrack;
    this.socket = openMediaSocket(options.token);
    this.socket.on('connect', () => {
      this.update({ signaling: 'connected' });
      this.restart('connected', 0);
    });
    this.socket.on('disconnect', () => {
      this.session++;
      this.dropTransport();
      this.update({ signaling: 'disconnected', state: 'reconnecting', detail: 'Lost the connection to the server; reconnecting…' });
      if (!this.socket.active && !this.disposed) setTimeout(() => this.socket.connect(), 2_000);
    });
    this.socket.on('connect_error', (error) => {
      const { refused, text } = describeConnectError(error);
      this.update({ signaling: 'disconnected', state: refused ? 'refused' : 'reconnecting', detail: text });
      if (!this.socket.active && !refused) setTimeout(() => this.socket.connect(), 5_000);
    });
    this.socket.on('media:reconnect', ({ reason }) => this.restart(`the server asked to reconnect (${reason})`, 0));
    this.socket.on('media:zoneProducer', ({ zone, producerId }) => {
      if (zone !== this.zone) return;
      const session = this.session;
      this.enqueue(async () => {
        if (session !== this.session) return;
        if (producerId === null) this.waiting();
        else if (this.consumer?.producerId !== producerId || this.consumer.closed) await this.consume(producerId, session);
      });
    });
    this.socket.on('media:consumerClosed', ({ consumerId }) => {
      if (this.consumer?.id !== consumerId) return;
      this.enqueue(async () => this.waiting());
    });
  }

  get current(): ListenerSnapshot {
    return this.snapshot;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: Error) => this.restart(err.message, this.nextDelay()));
  }

  private nextDelay(): number {
    return RETRY_DELAYS_MS[Math.min(this.attempt++, RETRY_DELAYS_MS.length - 1)]!;
  }

  private restart(reason: string, delayMs: number): void {
    if (this.disposed) return;
    const session = ++this.session;
    clearTimeout(this.retryTimer);
    this.dropTransport();
    if (this.snapshot.state === 'playing' || this.snapshot.state === 'waiting') {
      this.update({ state: 'reconnecting', detail: `Reconnecting: ${reason}`, reconnects: this.snapshot.reconnects + 1 });
    }
    this.retryTimer = setTimeout(() => this.enqueue(() => this.start(session)), delayMs);
  }

  private async start(session: number): Promise<void> {
    if (session !== this.session || !this.socket.connected) return;
    const { rtpCapabilities } = await mediaCall(this.socket, 'media:getRouterRtpCapabilities', { room: this.room });
    if (!this.device) {
      const device = new Device();
      await device.load({ routerRtpCapabilities: rtpCapabilities });
      this.device = device;
    }
    await mediaCall(this.socket, 'media:setRtpCapabilities', { rtpCapabilities: this.device.rtpCapabilities });
    const { producerId } = await mediaCall(this.socket, 'media:listen', { zone: this.zone });
    if (session !== this.session) return;
    if (producerId) await this.consume(producerId, session);
    else this.waiting();
  }

  private waiting(): void {
    this.dropConsumer();
    this.update({ state: 'waiting', detail: `Nothing is playing in zone "${this.zone}" right now; waiting…`, producerId: null });
  }

  private async ensureTransport(session: number): Promise<types.Transport> {
    if (this.transport && !this.transport.closed) return this.transport;
    const { transport: description } = await mediaCall(this.socket, 'media:createTransport', { direction: 'recv' });
    const transport = this.device!.createRecvTransport(description);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      mediaCall(this.socket, 'media:connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('connectionstatechange', (state) => {
      if (session !== this.session) return;
      this.update({ transport: state });
      if (state === 'failed') this.restart('the media connection failed', this.nextDelay());
    });
    this.transport = transport;
    return transport;
  }

  private async consume(producerId: string, session: number): Promise<void> {
    this.dropConsumer();
    const transport = await this.ensureTransport(session);
    if (session !== this.session) return;
    const { consumer: description } = await mediaCall(this.socket, 'media:consume', { transportId: transport.id, producerId });
    const consumer = await transport.consume(description);
    if (session !== this.session) {
      consumer.close();
      return;
    }
    this.consumer = consumer;
    await mediaCall(this.socket, 'media:resumeConsumer', { consumerId: consumer.id });
    this.attempt = 0;
    this.onTrack(consumer.track);
    this.update({ state: 'playing', detail: 'Playing.', producerId });
  }

  private dropConsumer(): void {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) {
      this.onTrack(null);
      if (!consumer.closed) {
        consumer.close();
        if (this.socket.connected) void mediaCall(this.socket, 'media:closeConsumer', { consumerId: consumer.id }, 5_000).catch(() => undefined);
      }
    }
  }

  private dropTransport(): void {
    this.dropConsumer();
    const transport = this.transport;
    this.transport = undefined;
    if (transport && !transport.closed) {
      transport.close();
      if (this.socket.connected) void mediaCall(this.socket, 'media:closeTransport', { transportId: transport.id }, 5_000).catch(() => undefined);
    }
    this.update({ transport: 'none' });
  }

  dispose(): void {
    this.disposed = true;
    this.session++;
    clearTimeout(this.retryTimer);
    this.dropTransport();
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private update(patch: Partial<ListenerSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.onChange(this.snapshot);
  }
}
