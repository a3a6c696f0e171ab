import type { Logger } from 'pino';
import type { AudioFrame, VideoFrame } from '../../../pipelines/frames.ts';
import type { HealthRegistry, HealthReporter } from '../../health/HealthRegistry.ts';
import type { MediaIngress, ProducerInfo, RtpCodec, RtpTap } from '../MediaContracts.ts';
import { DecodedSource } from './DecodedSource.ts';
import { FrameQueue } from './FrameQueue.ts';
import { GdpFramingError, GdpReader, type GdpBuffer } from './gst/GdpReader.ts';
import { audioDecoderPipeline, SAMPLE_RATE, VIDEO_LOSS_DEBUG, videoDecoderPipeline } from './gst/gstPipelines.ts';
import { GstProcess, type GstExit } from './gst/GstProcess.ts';
import type { MediaBridgeConfig } from './mediaBridgeConfig.ts';
import type { MediaBridgeMetrics } from './mediaBridgeMetrics.ts';
import { freeUdpPort } from './udpPort.ts';

type DecodedFrame = VideoFrame | AudioFrame;

export interface ProducerDecoderOptions {
  producer: ProducerInfo;
  ingress: MediaIngress;
  config: MediaBridgeConfig;
  health: HealthRegistry;
  logger: Logger;
  metrics?: MediaBridgeMetrics | undefined;
  /** The decoder stopped (last consumer gone, producer closed): its owner forgets it. */
  onStopped: (decoder: ProducerDecoder) => void;
}

/** Health name of a producer's decoder. */
export const decoderHealthName = (producerId: string) => `media:decoder:${producerId}`;

/** Keyframe requests after a (re)start: first soon after the child binds, then until a frame decodes. */
const FIRST_KEYFRAME_REQUEST_MS = 250;
const KEYFRAME_RETRY_MS = 1_000;
/** A running decoder that delivered frames and then none for this long is degraded (publisher paused?). */
const STALL_MS = 5_000;
/** Video that stops for this long asks for a keyframe (it may be waiting for one after a loss). */
const VIDEO_GAP_KEYFRAME_MS = 1_000;
/** At most one keyframe request per this long after losses (the publisher answers within a round trip). */
const LOSS_KEYFRAME_THROTTLE_MS = 300;

/**
 * One producer's media decoded for every consumer that asked for it: a supervised gst-launch child
 * binds a loopback UDP port, the ingress taps the producer's RTP to it, and decoded buffers come back
 * on the child's stdout (GDP, with timestamps). Frames fan out to each consumer's bounded queue.
 *
 * - A child that dies is restarted by its supervisor (100 ms, doubling to `maxRestartDelayMs`); each
 *   new child gets keyframe requests until its first frame, so video resumes without waiting for the
 *   publisher's next periodic keyframe.
 * - Lost RTP (nothing retransmits between the tap and the child): the depayloader drops pictures until
 *   the next keyframe instead of decoding broken ones, and the reader asks the publisher for a keyframe
 *   as soon as GStreamer logs the loss; video that stops for a second asks too.
 * - Health `media:decoder:<producerId>`: down while no child runs, degraded while waiting for the first
 *   frame, a paused publisher or an interrupted producer, ok while frames flow.
 * - captureTs: the frame's RTP arrival time as the jitter buffer estimated it (skew-corrected), mapped
 *   from the child's pipeline clock to epoch ms; it excludes jitter-buffer wait, decoding and scaling.
 */
export class ProducerDecoder {
  readonly producerId: string;
  readonly kind: 'video' | 'audio';
  readonly sourceId: string;
  private readonly producer: ProducerInfo;
  private readonly options: ProducerDecoderOptions;
  private readonly logger: Logger;
  private readonly health: HealthReporter;
  private readonly healthName: string;
  private readonly sources = new Set<DecodedSource<DecodedFrame>>();
  private codec: RtpCodec;
  private rtpPort = 0;
  private gst: GstProcess | undefined;
  private tap: RtpTap | undefined;
  private reader: GdpReader | undefined;
  private readerPid: number | undefined;
  private framesThisChild = 0;
  private seq = 0;
  private nextDueNs: number | undefined;
  /** Timestamps of the last frames in (before the cap), to know the input rate. */
  private readonly recentFrameTimes: number[] = [];
  private lastFrameAt = 0;
  private keyframeTimer: NodeJS.Timeout | undefined;
  private lastLossKeyframeAt = 0;
  private readonly stallTimer: NodeJS.Timeout;
  private rebinding = false;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(options: ProducerDecoderOptions) {
    this.options = options;
    this.producer = options.producer;
    this.producerId = options.producer.producerId;
    this.kind = options.producer.kind;
    this.codec = options.producer.codec;
    this.sourceId = `room:${options.producer.room}/${options.producer.label}`;
    this.logger = options.logger.child({ decoder: this.producerId, source: this.sourceId, kind: this.kind });
    this.healthName = decoderHealthName(this.producerId);
    this.health = options.health.register(this.healthName, { kind: 'subsystem', critical: false, initialReason: 'starting the decoder' });
    this.stallTimer = setInterval(() => this.checkStall(), 1_000);
    this.stallTimer.unref();
  }

  /** Bind a port, start the child, tap the producer. Rejects (and cleans up) if the tap fails. */
  async start(): Promise<void> {
    try {
      await this.bind();
    } catch (err) {
      await this.stop('start failed');
      throw err;
    }
  }

  /** A new consumer with its own bounded queue. */
  subscribe(): DecodedSource<DecodedFrame> {
    if (this.stopped) throw new Error(`decoder for ${this.sourceId} is stopped`);
    const queue =
      this.kind === 'video'
        ? new FrameQueue<DecodedFrame>({ capacity: 1 })
        : new FrameQueue<DecodedFrame>({
            capacity: (this.options.config.audio.maxQueueMs * SAMPLE_RATE) / 1000,
            weigh: (frame) => (frame as AudioFrame).samples.length / (frame as AudioFrame).channels,
          });
    const source = new DecodedSource<DecodedFrame>({
      id: this.sourceId,
      kind: this.kind,
      queue,
      onClose: (closed) => {
        this.sources.delete(closed);
        if (this.sources.size === 0) return this.stop('no consumers left');
      },
    });
    this.sources.add(source);
    return source;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  get consumers(): number {
    return this.sources.size;
  }

  /** The running child's pid (tests kill it to prove recovery). */
  get pid(): number | undefined {
    return this.gst?.pid;
  }

  get port(): number {
    return this.rtpPort;
  }

  private pipeline(): string[] {
    const { video, audio } = this.options.config;
    return this.kind === 'video'
      ? videoDecoderPipeline({ rtpPort: this.rtpPort, codec: this.codec, width: video.width, height: video.height, jitterBufferMs: video.jitterBufferMs })
      : audioDecoderPipeline({ rtpPort: this.rtpPort, codec: this.codec, channels: audio.channels, jitterBufferMs: audio.jitterBufferMs });
  }

  /** A port, a child listening on it, and the producer's RTP tapped to it. */
  private async bind(): Promise<void> {
    this.rtpPort = await freeUdpPort();
    const gst = new GstProcess({
      name: `decoder:${this.producerId}`,
      gstLaunch: this.options.config.gstLaunch,
      pipeline: this.pipeline(),
      logger: this.logger,
      maxRestartDelayMs: this.options.config.maxRestartDelayMs,
      onStdout: (chunk, pid) => this.onStdout(gst, chunk, pid),
      // VP8: the depayloader says when a packet was lost and it waits for a keyframe: ask for one now.
      ...(this.kind === 'video' && this.codec.mimeType === 'video/VP8'
        ? { debug: { categories: VIDEO_LOSS_DEBUG.categories, onLine: (line: string) => VIDEO_LOSS_DEBUG.pattern.test(line) && this.onPacketLoss(gst) } }
        : {}),
    });
    this.gst = gst;
    gst.on('spawn', (pid) => this.onSpawn(gst, pid));
    gst.on('exit', (exit) => this.onExit(gst, exit));
    gst.start();
    const tap = await this.options.ingress.tapProducer(this.producerId, this.rtpPort);
    if (this.stopped || this.gst !== gst) {
      await tap.close();
      return;
    }
    this.tap = tap;
    tap.on('interrupted', (reason) => {
      if (this.tap === tap) this.health.degraded(`producer interrupted: ${reason}`);
    });
    tap.on('resumed', ({ codec }) => {
      if (this.tap !== tap) return;
      // A new mediasoup consumer: new SSRC and sequence numbers (maybe a new codec). A fresh child
      // starts clean instead of letting the jitter buffer sort out the jump.
      this.logger.info({ codec: codec.mimeType }, 'producer resumed; restarting the decoder');
      if (codec.mimeType !== this.codec.mimeType || codec.payloadType !== this.codec.payloadType) {
        this.codec = codec;
        void this.rebind('codec changed');
      } else void this.gst?.restart();
    });
    tap.on('closed', (reason) => {
      if (this.tap === tap) void this.stop(`producer closed (${reason})`);
    });
    this.logger.info({ rtpPort: this.rtpPort, codec: this.codec.mimeType }, 'decoder tapped the producer');
  }

  /** Move to a fresh port and tap (the old port was taken, or the codec changed). */
  private async rebind(reason: string): Promise<void> {
    if (this.rebinding || this.stopped) return;
    this.rebinding = true;
    this.logger.warn({ reason, oldPort: this.rtpPort }, 'decoder moves to a new port');
    const { gst, tap } = this;
    this.gst = undefined;
    this.tap = undefined;
    try {
      await Promise.all([gst?.stop(), tap?.close()]);
      if (!this.stopped) await this.bind();
    } catch (err) {
      // Nothing feeds this decoder any more: end its sources (consumers may ask again).
      this.logger.error({ err: (err as Error).message }, 'decoder could not re-tap its producer');
      void this.stop(`could not re-tap the producer: ${(err as Error).message}`);
    } finally {
      this.rebinding = false;
    }
  }

  private onSpawn(gst: GstProcess, pid: number): void {
    if (this.stopped || this.gst !== gst) return;
    this.reader = undefined;
    this.readerPid = undefined;
    this.framesThisChild = 0;
    this.nextDueNs = undefined;
    this.recentFrameTimes.length = 0;
    this.health.degraded('decoder started; waiting for the first frame');
    this.logger.debug({ pid, rtpPort: this.rtpPort }, 'decoder child started');
    if (this.kind === 'video') this.scheduleKeyframeRequest(pid, FIRST_KEYFRAME_REQUEST_MS);
  }

  private scheduleKeyframeRequest(pid: number, delayMs: number): void {
    clearTimeout(this.keyframeTimer);
    this.keyframeTimer = setTimeout(() => {
      if (this.stopped || this.gst?.pid !== pid || this.framesThisChild > 0) return;
      this.options.metrics?.keyframeRequests.inc({ reason: 'start' });
      this.tap?.requestKeyFrame().catch((err: Error) => this.logger.debug({ err: err.message }, 'keyframe request failed'));
      this.scheduleKeyframeRequest(pid, KEYFRAME_RETRY_MS);
    }, delayMs);
    this.keyframeTimer.unref();
  }

  /** Lost RTP: the depayloader waits for a keyframe, so ask the publisher for one (once per round trip). */
  private onPacketLoss(gst: GstProcess): void {
    if (this.stopped || this.gst !== gst || this.framesThisChild === 0) return; // a starting child has its own requests
    const now = Date.now();
    if (now - this.lastLossKeyframeAt < LOSS_KEYFRAME_THROTTLE_MS) return;
    this.lastLossKeyframeAt = now;
    this.options.metrics?.keyframeRequests.inc({ reason: 'loss' });
    this.tap?.requestKeyFrame().catch((err: Error) => this.logger.debug({ err: err.message }, 'keyframe request failed'));
  }

  private onExit(gst: GstProcess, exit: GstExit): void {
    if (this.stopped || this.gst !== gst || exit.expected) return;
    clearTimeout(this.keyframeTimer);
    this.options.metrics?.decoderRestarts.inc({ kind: this.kind });
    const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    this.health.down(`decoder exited (${how})${exit.error ? `: ${exit.error}` : ''}; restarting`);
    if (exit.error && /Address already in use|bind failed/i.test(exit.error)) void this.rebind(`port ${this.rtpPort} is taken`);
  }

  private onStdout(gst: GstProcess, chunk: Buffer, pid: number): void {
    if (this.stopped || this.gst !== gst) return;
    if (pid !== this.readerPid) {
      // A new child: its stream starts with a fresh GDP header.
      this.readerPid = pid;
      this.reader = new GdpReader({ buffer: (buffer) => this.onBuffer(gst, buffer) });
    }
    try {
      this.reader!.write(chunk);
    } catch (err) {
      // Never let a bad stream (or a bug handling it) escape into the server: restart this child.
      const what = err instanceof GdpFramingError ? 'decoder output lost its framing' : 'decoded frame could not be handled';
      this.logger.error({ err: (err as Error).message }, `${what}; restarting the decoder`);
      this.readerPid = undefined;
      void gst.restart();
    }
  }

  private onBuffer(gst: GstProcess, { pts, payload }: GdpBuffer): void {
    const now = Date.now();
    // The frame's place in time: its running time on the pipeline clock, else its arrival here.
    const clock = gst.clock;
    const captureTs = pts !== undefined && clock ? Math.min(clock.toEpochMs(pts), now) : now;
    const timeNs = pts !== undefined && clock ? Number(pts) : Number(process.hrtime.bigint());
    let frame: DecodedFrame;
    if (this.kind === 'video') {
      const { width, height } = this.options.config.video;
      if (payload.length !== width * height * 3) {
        this.logger.warn({ bytes: payload.length, expected: width * height * 3 }, 'decoded frame has the wrong size; dropped');
        return;
      }
      if (!this.underFpsCap(timeNs)) {
        this.options.metrics?.framesDropped.inc({ kind: 'video', reason: 'fps_cap' });
        return;
      }
      frame = { kind: 'video', sourceId: this.sourceId, seq: this.seq++, captureTs, width, height, format: 'rgb24', data: new Uint8Array(payload.buffer, payload.byteOffset, payload.length) };
    } else {
      const channels = this.options.config.audio.channels;
      if (payload.length % (4 * channels) !== 0) {
        this.logger.warn({ bytes: payload.length, channels }, 'decoded audio is not whole float32 frames; dropped');
        return;
      }
      frame = { kind: 'audio', sourceId: this.sourceId, seq: this.seq++, captureTs, sampleRate: SAMPLE_RATE, channels, samples: new Float32Array(payload.buffer, payload.byteOffset, payload.length / 4) };
    }
    this.framesThisChild++;
    this.lastFrameAt = now;
    if (this.health.state !== 'ok') this.health.ok();
    this.options.metrics?.framesDelivered.inc({ kind: this.kind });
    for (const source of this.sources) {
      const before = source.dropped;
      source.deliver(frame);
      if (source.dropped !== before) this.options.metrics?.framesDropped.inc({ kind: this.kind, reason: 'consumer' }, source.dropped - before);
    }
  }

  /**
   * At most maxFps: while the input runs at or under the cap (within 5 %, measured over the last 30
   * frames) every frame passes, whatever its timestamp jitter; above it, frames are admitted on a grid
   * of 1/maxFps (a quarter interval of tolerance), so 60 fps in gives 30 out.
   */
  private underFpsCap(timeNs: number): boolean {
    const { maxFps } = this.options.config.video;
    const intervalNs = 1e9 / maxFps;
    const recent = this.recentFrameTimes;
    recent.push(timeNs);
    if (recent.length > 30) recent.shift();
    const inputFps = recent.length >= 2 && timeNs > recent[0]! ? ((recent.length - 1) * 1e9) / (timeNs - recent[0]!) : 0;
    if (inputFps <= maxFps * 1.05 || this.nextDueNs === undefined || timeNs - this.nextDueNs > intervalNs) {
      this.nextDueNs = timeNs + intervalNs;
      return true;
    }
    if (timeNs < this.nextDueNs - intervalNs / 4) return false;
    this.nextDueNs += intervalNs;
    return true;
  }

  private checkStall(): void {
    if (this.stopped || !this.gst?.running || this.framesThisChild === 0) return;
    const silentMs = Date.now() - this.lastFrameAt;
    // Video that stopped may be waiting for a keyframe (a loss the log didn't show, H264): ask again.
    if (this.kind === 'video' && silentMs > VIDEO_GAP_KEYFRAME_MS && this.tap?.flowing) {
      this.options.metrics?.keyframeRequests.inc({ reason: 'gap' });
      this.tap.requestKeyFrame().catch((err: Error) => this.logger.debug({ err: err.message }, 'keyframe request failed'));
    }
    if (silentMs > STALL_MS && this.health.state === 'ok') this.health.degraded(`no frames for ${Math.round(silentMs / 1000)} s (publisher paused or no media?)`);
  }

  /** Stop the child, close the tap, end every source. Idempotent. */
  stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      clearInterval(this.stallTimer);
      clearTimeout(this.keyframeTimer);
      // Unregister first: a new decoder for the same producer may register the same name right away.
      this.options.health.unregister(this.healthName);
      for (const source of this.sources) source.end(reason);
      this.sources.clear();
      this.options.onStopped(this);
      const { gst, tap } = this;
      this.gst = undefined;
      this.tap = undefined;
      await Promise.all([gst?.stop(), tap?.close().catch(() => undefined)]);
      this.logger.info({ reason }, 'decoder stopped');
    })();
    return this.stopping;
  }
}
