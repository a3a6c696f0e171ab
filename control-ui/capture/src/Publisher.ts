import { Device, type types } from 'mediasoup-client';
import { describeConnectError, MediaCallError, mediaCall, openMediaSocket, type MediaSocket } from './media/MediaSignaling.ts';

export type PublisherState = 'idle' | 'connecting' | 'publishing' | 'reconnecting' | 'refused' | 'stopped';

/** A track to publish under a label (`desk-cam`, `desk-mic`). */
export interface PublishedTrack {
  track: MediaStreamTrack;
  label: string;
  measurement?: boolean;
}

export interface TrackStatus {
  label: string;
  kind: 'audio' | 'video';
  producerId: string | null;
  measurement: boolean;
  /** What the browser sends (bits/s), from RTCPeerConnection stats. */
  sentBitrate: number;
  sentBytes: number;
  /** What the server receives, from mediasoup's producer stats (null until known). */
  serverBitrate: number | null;
  /** mediasoup's 0-10 quality score of the incoming stream. */
  serverScore: number | null;
  packetsLost: number | null;
  /** Video: what is actually encoded. */
  frameWidth?: number | undefined;
  frameHeight?: number | undefined;
  framesPerSecond?: number | undefined;
  trackEnded: boolean;
}

export interface PublisherLogEntry {
  at: number;
  level: 'info' | 'warn' | 'error';
  text: string;
}

export interface PublisherSnapshot {
  state: PublisherState;
  /** Human-readable reason for the current state. */
  detail: string;
  signaling: 'connected' | 'connecting' | 'disconnected';
  /** The send transport's RTCPeerConnection state, or `none` without one. */
  transport: RTCPeerConnectionState | 'none';
  tracks: TrackStatus[];
  /** Sessions started again after a failure or a server request. */
  reconnects: number;
  log: PublisherLogEntry[];
}

const STATS_INTERVAL_MS = 1_000;
const SERVER_STATS_INTERVAL_MS = 2_000;
/** A `disconnected` ICE/DTLS state may recover by itself; after this long we rebuild the session. */
const DISCONNECTED_GRACE_MS = 4_000;
const RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000, 8_000, 10_000];

interface LiveProducer {
  producer: types.Producer;
  lastBytes: number;
  lastAt: number;
}

/**
 * Publishes local tracks to a room through mediasoup and keeps them published: a lost socket, a failed
 * transport, or the server's `media:reconnect` (its worker restarted) starts a new session with the same
 * tracks and labels (the server gives them back their producer ids). Tracks are never stopped by a
 * reconnect; only stop() ends them.
 */
export class Publisher {
  private readonly socket: MediaSocket;
  private readonly room: string;
  private readonly publisherId: string;
  private readonly onChange: (snapshot: PublisherSnapshot) => void;
  private readonly preferredVideoCodec: 'vp8' | 'h264';
  private device: Device | undefined;
  private transport: types.Transport | undefined;
  private tracks: PublishedTrack[] = [];
  private readonly producers = new Map<string, LiveProducer>(); // by label
  private readonly status = new Map<string, TrackStatus>(); // by label
  /** Increases on every session (re)start: callbacks of older sessions do nothing. */
  private session = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private serverStatsTimer: ReturnType<typeof setInterval> | undefined;
  private snapshot: PublisherSnapshot = {
    state: 'idle',
    detail: 'Not publishing.',
    signaling: 'connecting',
    transport: 'none',
    tracks: [],
    reconnects: 0,
    log: [],
  };

  constructor(options: { token: string; room: string; publisherId: string; videoCodec?: 'vp8' | 'h264'; onChange: (snapshot: PublisherSnapshot) => void }) {
    this.room = options.room;
    this.publisherId = options.publisherId;
    this.onChange = options.onChange;
    this.preferredVideoCodec = options.videoCodec ?? 'vp8';
    this.socket = openMediaSocket(options.token);

    this.socket.on('connect', () => {
      this.update({ signaling: 'connected' });
      // A new connection is a new server session: publish again if we were publishing.
      if (this.wantsToPublish()) this.restart('connected to the server again', 0);
    });
    this.socket.on('disconnect', (reason) => {
      this.update({ signaling: 'disconnected' });
      if (this.wantsToPublish()) {
        this.teardown();
        this.update({ state: 'reconnecting', detail: 'Lost the connection to the server; reconnecting…' });
        this.log('warn', `signaling disconnected (${reason})`);
      }
      // The server closed us on purpose (restart, revoked token): socket.io does not retry by itself.
      if (!this.socket.active && this.snapshot.state !== 'stopped') setTimeout(() => this.socket.connect(), 2_000);
    });
    this.socket.on('connect_error', (error) => {
      const { refused, text } = describeConnectError(error);
      this.update({ signaling: 'disconnected' });
      if (refused) {
        this.update({ state: 'refused', detail: text });
        this.log('error', text);
        return;
      }
      if (this.wantsToPublish()) this.update({ state: 'reconnecting', detail: `${text} Retrying…` });
      if (!this.socket.active) setTimeout(() => this.socket.connect(), 5_000);
    });
    this.socket.on('media:reconnect', ({ reason }) => {
      this.log('warn', `server asked to reconnect: ${reason}`);
      if (this.wantsToPublish()) this.restart(`the server asked to reconnect (${reason})`, 0);
    });
    this.socket.on('media:producerClosed', ({ producerId, reason }) => {
      for (const [label, live] of this.producers) {
        if (live.producer.id !== producerId) continue;
        this.producers.delete(label);
        live.producer.close();
        this.setTrack(label, { producerId: null });
        this.log('warn', `server closed ${label}: ${reason}`);
      }
    });
  }

  get current(): PublisherSnapshot {
    return this.snapshot;
  }

  private wantsToPublish(): boolean {
    return this.tracks.length > 0 && this.snapshot.state !== 'stopped' && this.snapshot.state !== 'idle';
  }

  /** Publish these tracks (replacing what was published). */
  async publish(tracks: PublishedTrack[]): Promise<void> {
    this.tracks = tracks;
    this.status.clear();
    for (const t of tracks) {
      this.status.set(t.label, {
        label: t.label,
        kind: t.track.kind as 'audio' | 'video',
        producerId: null,
        measurement: !!t.measurement,
        sentBitrate: 0,
        sentBytes: 0,
        serverBitrate: null,
        serverScore: null,
        packetsLost: null,
        trackEnded: t.track.readyState === 'ended',
      });
      this.watchTrack(t.label, t.track);
    }
    this.update({ state: 'connecting', detail: 'Connecting…' });
    this.startStats();
    this.restart('publish', 0);
  }

  private watchTrack(label: string, track: MediaStreamTrack): void {
    track.addEventListener('ended', () => {
      if (this.tracks.find((t) => t.label === label)?.track !== track) return;
      this.setTrack(label, { trackEnded: true });
      this.log('error', `${label}: the device stopped delivering (unplugged or taken by another app)`);
    });
  }

  /**
   * Swap a published track for another device (same label and producer id). A change of microphone
   * mode re-publishes the label, so the server learns the new `measurement` flag (same producer id).
   */
  async replaceTrack(label: string, track: MediaStreamTrack, options: { measurement?: boolean } = {}): Promise<void> {
    const entry = this.tracks.find((t) => t.label === label);
    if (!entry) return;
    entry.track = track;
    this.watchTrack(label, track);
    this.setTrack(label, { trackEnded: false });
    if (options.measurement !== undefined && options.measurement !== !!entry.measurement) {
      entry.measurement = options.measurement;
      this.setTrack(label, { measurement: options.measurement });
      this.log('info', `${label}: ${options.measurement ? 'measurement mode (raw levels)' : 'speech mode'}; re-publishing`);
      if (this.wantsToPublish()) this.restart('microphone mode changed', 0);
      return;
    }
    const live = this.producers.get(label);
    if (live && !live.producer.closed) await live.producer.replaceTrack({ track });
  }

  /** Stop publishing (the server closes the producers for good). Tracks are left to the caller. */
  async stop(): Promise<void> {
    this.session++;
    clearTimeout(this.retryTimer);
    const ids = [...this.producers.values()].map((p) => p.producer.id);
    await Promise.allSettled(ids.map((producerId) => mediaCall(this.socket, 'media:closeProducer', { producerId }, 5_000)));
    this.teardown();
    this.stopStats();
    this.tracks = [];
    this.status.clear();
    this.update({ state: 'idle', detail: 'Not publishing.' });
    this.log('info', 'stopped publishing');
  }

  /** Leave for good (page unload). */
  dispose(): void {
    this.session++;
    clearTimeout(this.retryTimer);
    this.teardown();
    this.stopStats();
    this.update({ state: 'stopped', detail: 'Closed.' });
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  /** Close the transport (its producers go with it; tracks keep running). */
  private teardown(): void {
    clearTimeout(this.disconnectedTimer);
    const transport = this.transport;
    this.transport = undefined;
    this.producers.clear();
    for (const status of this.status.values()) Object.assign(status, { producerId: null, serverBitrate: null, serverScore: null });
    if (transport && !transport.closed) transport.close();
    // Tell the server too (unless it is the one that dropped it), so it doesn't keep a dead transport.
    if (transport && this.socket.connected) void mediaCall(this.socket, 'media:closeTransport', { transportId: transport.id }, 5_000).catch(() => undefined);
    this.update({ transport: 'none', tracks: [...this.status.values()].map((s) => ({ ...s })) });
  }

  /** Start a new session after `delayMs` (0: now); any older session's callbacks become no-ops. */
  private restart(reason: string, delayMs: number): void {
    const session = ++this.session;
    clearTimeout(this.retryTimer);
    this.teardown();
    if (this.snapshot.state === 'publishing') {
      this.update({ state: 'reconnecting', detail: `Reconnecting: ${reason}`, reconnects: this.snapshot.reconnects + 1 });
    }
    this.retryTimer = setTimeout(() => {
      this.runSession(session).catch((err: Error) => {
        if (session !== this.session) return;
        const refused = err instanceof MediaCallError && (err.code === 'forbidden' || err.code === 'not_found' || err.code === 'invalid_request' || err.code === 'conflict');
        const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)]!;
        this.attempt++;
        this.log(refused ? 'error' : 'warn', `${err.message}${refused ? '' : ` — retrying in ${delay / 1000} s`}`);
        if (refused && err instanceof MediaCallError && err.code !== 'conflict') {
          this.teardown();
          this.update({ state: 'refused', detail: err.message });
          return;
        }
        this.update({ state: this.snapshot.reconnects > 0 || this.attempt > 1 ? 'reconnecting' : 'connecting', detail: `${err.message} Retrying…` });
        this.restart(err.message, delay);
      });
    }, delayMs);
  }

  private async runSession(session: number): Promise<void> {
    if (!this.socket.connected) {
      this.update({ state: this.snapshot.reconnects > 0 ? 'reconnecting' : 'connecting', detail: 'Waiting for the server…' });
      return; // the socket's `connect` restarts us
    }
    const current = () => session === this.session;
    const { rtpCapabilities } = await mediaCall(this.socket, 'media:getRouterRtpCapabilities', { room: this.room, publisherId: this.publisherId });
    if (!current()) return;
    if (!this.device) {
      const device = new Device();
      await device.load({ routerRtpCapabilities: rtpCapabilities });
      this.device = device;
    }
    const device = this.device;
    const { transport: description } = await mediaCall(this.socket, 'media:createTransport', { direction: 'send' });
    if (!current()) return;
    const transport = device.createSendTransport(description);
    this.transport = transport;

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      mediaCall(this.socket, 'media:connectTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const { label, measurement } = appData as { label: string; measurement?: boolean };
      mediaCall(this.socket, 'media:produce', { transportId: transport.id, kind, rtpParameters, label, ...(measurement ? { measurement } : {}) }).then(
        ({ producerId }) => callback({ id: producerId }),
        errback,
      );
    });
    transport.on('connectionstatechange', (state) => {
      if (!current()) return;
      this.update({ transport: state });
      clearTimeout(this.disconnectedTimer);
      if (state === 'failed') this.restart('the media connection failed', 0);
      else if (state === 'disconnected') {
        this.disconnectedTimer = setTimeout(() => {
          if (current() && transport.connectionState === 'disconnected') this.restart('the media connection stayed down', 0);
        }, DISCONNECTED_GRACE_MS);
      } else if (state === 'connected') {
        this.attempt = 0;
        this.update({ state: 'publishing', detail: 'Live.' });
      }
    });

    for (const entry of this.tracks) {
      if (!current()) return;
      if (entry.track.readyState === 'ended') continue;
      const producer = await transport.produce({
        track: entry.track,
        stopTracks: false, // a reconnect must not end the camera
        appData: { label: entry.label, measurement: !!entry.measurement },
        ...(entry.track.kind === 'audio'
          ? { codecOptions: { opusStereo: false, opusDtx: false, opusFec: true } }
          : { encodings: [{ maxBitrate: 2_500_000 }], codec: this.videoCodec(device) }),
      });
      if (!current()) {
        producer.close();
        return;
      }
      this.producers.set(entry.label, { producer, lastBytes: 0, lastAt: performance.now() });
      this.setTrack(entry.label, { producerId: producer.id });
    }
    this.log('info', this.snapshot.reconnects > 0 ? 'publishing again' : `publishing to room "${this.room}"`);
    if (transport.connectionState === 'connected') this.update({ state: 'publishing', detail: 'Live.' });
  }

  private videoCodec(device: Device): types.RtpCodecCapability | undefined {
    const wanted = this.preferredVideoCodec === 'h264' ? 'video/h264' : 'video/vp8';
    return device.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === wanted);
  }

  private startStats(): void {
    this.stopStats();
    this.statsTimer = setInterval(() => void this.collectStats(), STATS_INTERVAL_MS);
    this.serverStatsTimer = setInterval(() => void this.collectServerStats(), SERVER_STATS_INTERVAL_MS);
  }

  private stopStats(): void {
    clearInterval(this.statsTimer);
    clearInterval(this.serverStatsTimer);
  }

  private async collectStats(): Promise<void> {
    for (const [label, live] of this.producers) {
      if (live.producer.closed) continue;
      try {
        const report = await live.producer.getStats();
        let bytes = 0;
        const video: Partial<TrackStatus> = {};
        report.forEach((stat: Record<string, unknown>) => {
          if (stat['type'] !== 'outbound-rtp') return;
          bytes += Number(stat['bytesSent'] ?? 0);
          if (typeof stat['frameWidth'] === 'number') video.frameWidth = stat['frameWidth'];
          if (typeof stat['frameHeight'] === 'number') video.frameHeight = stat['frameHeight'];
          if (typeof stat['framesPerSecond'] === 'number') video.framesPerSecond = stat['framesPerSecond'];
        });
        const now = performance.now();
        const seconds = (now - live.lastAt) / 1000;
        const bitrate = live.lastBytes > 0 && seconds > 0 ? Math.max(0, ((bytes - live.lastBytes) * 8) / seconds) : 0;
        live.lastBytes = bytes;
        live.lastAt = now;
        this.setTrack(label, { sentBitrate: bitrate, sentBytes: bytes, ...video });
      } catch {
        // The producer closed between the check and the call: the next round skips it.
      }
    }
  }

  private async collectServerStats(): Promise<void> {
    if (!this.socket.connected) return;
    for (const [label, live] of this.producers) {
      try {
        const { stats } = await mediaCall(this.socket, 'media:producerStats', { producerId: live.producer.id }, 3_000);
        this.setTrack(label, { serverBitrate: stats.bitrate, serverScore: stats.score, packetsLost: stats.packetsLost });
      } catch {
        // Reconnecting; shown by the state.
      }
    }
  }

  private setTrack(label: string, patch: Partial<TrackStatus>): void {
    const status = this.status.get(label);
    if (!status) return;
    Object.assign(status, patch);
    this.update({ tracks: [...this.status.values()].map((s) => ({ ...s })) });
  }

  private log(level: PublisherLogEntry['level'], text: string): void {
    this.update({ log: [{ at: Date.now(), level, text }, ...this.snapshot.log].slice(0, 50) });
  }

  private update(patch: Partial<PublisherSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.onChange(this.snapshot);
  }
}
