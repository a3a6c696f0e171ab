import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { PatternFrames } from './framePattern.ts';

/**
 * Real RTP for the bridge's tests, made by gst-launch-1.0 the way a publisher's encoder would: VP8 of
 * stamped frames (fed by Node, so each frame carries its counter and send time) and an Opus tone.
 */

const SETPRIV = '/usr/bin/setpriv';

/** A child that dies with the test process, even on SIGKILL. */
export function spawnGst(args: string[], stdio: Array<'ignore' | 'pipe' | 'inherit'> = ['ignore', 'ignore', 'pipe']): ChildProcess {
  const [file, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', 'gst-launch-1.0', '-q', ...args]] : ['gst-launch-1.0', ['-q', ...args]];
  const child = spawn(file, argv, { stdio });
  child.stdin?.on('error', () => undefined);
  return child;
}

export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
  await exited;
  clearTimeout(timer);
}

export interface Vp8SenderOptions {
  port: number;
  width?: number;
  height?: number;
  fps?: number;
  payloadType?: number;
  ssrc?: number;
  /** Keyframe interval in frames; a long one makes keyframe requests matter (default 600: 20 s at 30 fps). */
  keyframeInterval?: number;
  /**
   * Lose one RTP packet every this many ms (0: none), as a bad network would; never in the first
   * 300 ms after an encoder (re)start, so the keyframe it begins with gets through.
   */
  lossIntervalMs?: number;
}

/**
 * Stamped frames -> vp8enc (realtime) -> rtpvp8pay -> udpsink, one frame per 1/fps s by the wall
 * clock. A keyframe request restarts the encoder (its first frame is a keyframe), like a browser
 * answering a PLI; frame counters continue.
 */
export class Vp8Sender {
  readonly options: Required<Vp8SenderOptions>;
  private readonly frames: PatternFrames;
  private child: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private sent = 0;
  restarts = 0;

  constructor(options: Vp8SenderOptions) {
    this.options = { width: 640, height: 480, fps: 30, payloadType: 96, ssrc: 0x1234_5678, keyframeInterval: 600, lossIntervalMs: 0, ...options };
    this.frames = new PatternFrames(this.options.width, this.options.height);
  }

  get framesSent(): number {
    return this.frames.counter;
  }

  private relay: Socket | undefined;
  private relayPort = 0;
  private newStream = true;
  private encoderStartedAt = 0;
  /** Packets the lossy relay threw away. */
  dropped = 0;

  private spawnEncoder(): void {
    const { width, height, fps, payloadType, ssrc, keyframeInterval } = this.options;
    const port = this.relayPort;
    this.newStream = true;
    this.encoderStartedAt = performance.now();
    this.child = spawnGst(
      [
        'fdsrc', 'fd=0', `blocksize=${this.frames.frameBytes}`,
        '!', 'rawvideoparse', 'format=i420', `width=${width}`, `height=${height}`, `framerate=${fps}/1`,
        '!', 'vp8enc', 'deadline=1', 'cpu-used=8', 'lag-in-frames=0', `keyframe-max-dist=${keyframeInterval}`, 'target-bitrate=800000', 'error-resilient=partitions',
        '!', 'rtpvp8pay', `pt=${payloadType}`, `ssrc=${ssrc}`, 'mtu=1200',
        '!', 'udpsink', 'host=127.0.0.1', `port=${port}`, 'sync=false', 'async=false',
      ],
      ['pipe', 'ignore', 'pipe'],
    );
  }

  async start(): Promise<void> {
    // Packets go through a relay that keeps sequence numbers and timestamps continuous across encoder
    // restarts (as mediasoup does for its consumers) and, if asked, loses some.
    // A big receive buffer: a keyframe is a burst of ~50 packets, and this process is busy making frames.
    const relay = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    const out = createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
    let nextLossAt = performance.now() + this.options.lossIntervalMs;
    let lastSeq = -1;
    let lastTs = 0;
    let seqOffset = 0;
    let tsOffset = 0;
    relay.on('message', (packet) => {
      const seq = packet.readUInt16BE(2);
      const ts = packet.readUInt32BE(4);
      if (this.newStream) {
        this.newStream = false;
        if (lastSeq >= 0) {
          seqOffset = (lastSeq + 1 - seq + 0x10000) % 0x10000;
          tsOffset = (lastTs + (90_000 / this.options.fps) - ts + 2 ** 32) % 2 ** 32;
        }
      }
      lastSeq = (seq + seqOffset) % 0x10000;
      lastTs = (ts + tsOffset) % 2 ** 32;
      const now = performance.now();
      if (this.options.lossIntervalMs > 0 && now >= nextLossAt && now - this.encoderStartedAt > 300) {
        nextLossAt = now + this.options.lossIntervalMs;
        this.dropped++;
        return;
      }
      const copy = Buffer.from(packet);
      copy.writeUInt16BE(lastSeq, 2);
      copy.writeUInt32BE(lastTs, 4);
      out.send(copy, this.options.port, '127.0.0.1');
    });
    relay.once('close', () => out.close());
    await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', () => resolve()));
    this.relay = relay;
    this.relayPort = relay.address().port;
    this.spawnEncoder();
    this.startedAt = performance.now();
    this.sent = 0;
    const tick = () => {
      const stdin = this.child?.stdin;
      if (stdin && stdin.writableLength < this.frames.frameBytes * 2) stdin.write(this.frames.next());
      this.sent++;
      // An absolute schedule: frame n at start + n/fps, so the rate doesn't drift with timer lateness.
      const due = this.startedAt + (this.sent * 1000) / this.options.fps;
      this.timer = setTimeout(tick, Math.max(0, due - performance.now()));
    };
    tick();
  }

  /** A fresh encoder: the next frame is a keyframe. */
  async restartEncoder(): Promise<void> {
    const old = this.child;
    this.child = undefined;
    await stopChild(old, 'SIGKILL');
    this.restarts++;
    this.spawnEncoder();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    const child = this.child;
    this.child = undefined;
    await stopChild(child);
    this.relay?.close();
    this.relay = undefined;
  }
}

/** A live sine -> opusenc -> rtpopuspay -> udpsink. */
export class OpusToneSender {
  private child: ChildProcess | undefined;
  constructor(readonly options: { port: number; frequency: number; payloadType?: number; ssrc?: number; channels?: 1 | 2 }) {}

  start(): void {
    const { port, frequency, payloadType = 111, ssrc = 0x2345_6789, channels = 2 } = this.options;
    this.child = spawnGst([
      'audiotestsrc', 'is-live=true', 'wave=sine', `freq=${frequency}`, 'volume=0.5',
      '!', `audio/x-raw,rate=48000,channels=${channels}`,
      '!', 'opusenc', 'bitrate=64000', 'frame-size=20',
      '!', 'rtpopuspay', `pt=${payloadType}`, `ssrc=${ssrc}`,
      '!', 'udpsink', 'host=127.0.0.1', `port=${port}`, 'sync=false', 'async=false',
    ]);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopChild(child);
  }
}
