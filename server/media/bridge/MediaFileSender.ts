import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { ChildSupervisor } from '../../supervisor/ChildSupervisor.ts';

/** Where one stream goes: a plain-RTP input of the ingress (comedia), as its API described it. */
export interface RtpInputTarget {
  address: string;
  port: number;
  payloadType: number;
  ssrc: number;
  /** Local port to send from (the same one after every restart, see rtpToComedia). */
  sourcePort: number;
}

export type MediaFileSource = { type: 'file'; path: string } | { type: 'test-pattern'; frequency: number };

export interface MediaFileSenderOptions {
  source: MediaFileSource;
  video?: RtpInputTarget | undefined;
  audio?: RtpInputTarget | undefined;
  /** Output video size and rate (the file is scaled, letterboxed, and re-timed). */
  width: number;
  height: number;
  fps: number;
  /** Start the file again at its end. */
  loop: boolean;
  gstLaunch?: string;
  logger: Logger;
}

export interface MediaFileSenderEvents {
  /** A sender child started (again). */
  started: [pid: number];
  /** The file played to its end and `loop` is off. */
  ended: [];
  /** A sender child died; it is restarted. */
  crashed: [reason: string];
}

/** A sender that ran this long before crashing was not crash-looping: the backoff starts again. */
const STABLE_AFTER_MS = 2_000;

function send(target: RtpInputTarget): string[] {
  return ['udpsink', `host=${target.address}`, `port=${target.port}`, 'bind-address=0.0.0.0', `bind-port=${target.sourcePort}`];
}

/**
 * The gst-launch argv that plays a file (or a test pattern) as a publisher would: VP8 and Opus RTP,
 * paced at the media's own speed (udpsink syncs), to the ingress' plain-RTP inputs. VP8 carries
 * picture ids (mediasoup needs them to recognise keyframes) and a keyframe every second: a gst-launch
 * sender can't hear keyframe requests, and when a loop starts the file again mediasoup drops the first
 * packet after the sequence-number jump (the new encoder's first keyframe), so the next one must come soon.
 */
export function mediaFileSenderPipeline(o: Pick<MediaFileSenderOptions, 'source' | 'video' | 'audio' | 'width' | 'height' | 'fps'>): string[] {
  const args: string[] = [];
  if (o.source.type === 'file') args.push('filesrc', `location=${o.source.path}`, '!', 'decodebin', 'name=media');
  if (o.video) {
    args.push(...(o.source.type === 'file' ? ['media.'] : ['videotestsrc', 'is-live=true', 'pattern=ball']));
    args.push(
      '!', 'queue', 'max-size-time=1000000000',
      '!', 'videoconvert', '!', 'videoscale', '!', 'videorate',
      '!', `video/x-raw,format=I420,width=${o.width},height=${o.height},pixel-aspect-ratio=1/1,framerate=${o.fps}/1`,
      '!', 'vp8enc', 'deadline=1', 'cpu-used=8', 'lag-in-frames=0', 'error-resilient=partitions', `keyframe-max-dist=${o.fps}`, 'target-bitrate=1000000',
      '!', 'rtpvp8pay', 'picture-id-mode=15-bit', `pt=${o.video.payloadType}`, `ssrc=${o.video.ssrc}`, 'mtu=1200',
      '!', ...send(o.video),
    );
  }
  if (o.audio) {
    args.push(...(o.source.type === 'file' ? ['media.'] : ['audiotestsrc', 'is-live=true', 'wave=sine', `freq=${o.source.frequency}`, 'volume=0.4']));
    args.push(
      '!', 'queue', 'max-size-time=1000000000',
      '!', 'audioconvert', '!', 'audioresample',
      '!', 'audio/x-raw,rate=48000,channels=2',
      '!', 'opusenc', 'bitrate=64000', 'frame-size=20',
      '!', 'rtpopuspay', `pt=${o.audio.payloadType}`, `ssrc=${o.audio.ssrc}`,
      '!', ...send(o.audio),
    );
  }
  return args;
}

/**
 * Publishes a media file through plain-RTP inputs with a supervised gst-launch child: restarted with
 * backoff if it crashes, started again at the end of the file when looping, killed with its owner.
 */
export class MediaFileSender extends EventEmitter<MediaFileSenderEvents> {
  private readonly supervisor: ChildSupervisor;
  private lastError = '';
  private stopped = false;

  constructor(options: MediaFileSenderOptions) {
    super();
    if (!options.video && !options.audio) throw new Error('nothing to send: no video or audio target');
    this.supervisor = new ChildSupervisor({
      name: 'gst:file-sender',
      command: options.gstLaunch ?? 'gst-launch-1.0',
      args: ['-q', ...mediaFileSenderPipeline(options)],
      logger: options.logger,
      initialRestartDelayMs: 100,
      maxRestartDelayMs: 5_000,
      stableAfterMs: STABLE_AFTER_MS,
      stopTimeoutMs: 1_000,
      onOutput: (line) => {
        if (/^(ERROR|WARNING)/.test(line.trim())) this.lastError = line.trim();
        options.logger.debug({ gst: line }, 'file sender output');
      },
    });
    this.supervisor.on('spawn', (pid) => this.emit('started', pid));
    this.supervisor.on('exit', ({ code, signal, expected }) => {
      if (expected || this.stopped) return;
      if (code === 0) {
        // End of the file: not a crash, so no backoff. Loop: start again at once; else we are done.
        // (Stopping first cancels the restart the supervisor scheduled.)
        void this.supervisor.stop().then(() => {
          if (this.stopped) return;
          if (options.loop) this.supervisor.start();
          else void this.stop().then(() => this.emit('ended'));
        });
        return;
      }
      this.emit('crashed', `${signal ? `killed by ${signal}` : `exit code ${code}`}${this.lastError ? `: ${this.lastError}` : ''}`);
      this.lastError = '';
    });
  }

  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  start(): void {
    this.supervisor.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.supervisor.stop();
  }
}
