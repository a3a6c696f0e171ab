import type { Logger } from 'pino';
import type { HealthRegistry, HealthReporter } from '../../../health/HealthRegistry.ts';
import type { AudioOutputTarget } from '../../MediaContracts.ts';
import { SAMPLE_RATE } from '../gst/gstPipelines.ts';
import { GstProcess } from '../gst/GstProcess.ts';
import type { MediaBridgeMetrics } from '../mediaBridgeMetrics.ts';
import { MAX_OUTPUT_BACKLOG_MS, type AudioOutput } from './AudioOutput.ts';

export interface GstAudioOutputOptions {
  type: AudioOutputTarget['type'];
  healthName: string;
  /** What the health reason and logs call it: `speakers (sink roomspeaker)`. */
  description: string;
  gstLaunch: string;
  pipeline: readonly string[];
  channels: 1 | 2;
  maxRestartDelayMs: number;
  health: HealthRegistry;
  logger: Logger;
  metrics?: MediaBridgeMetrics | undefined;
  /** Runs after the child stopped on close (e.g. close the mediasoup injector). */
  onClosed?: () => Promise<void>;
}

/** A child that has run this long without dying is considered playing. */
const HEALTHY_AFTER_MS = 1_000;

/**
 * An output that is one supervised gst-launch child reading PCM on stdin (listeners: Opus RTP to a
 * mediasoup injector; speakers: PulseAudio). Restarted with backoff when it dies; health follows it.
 */
export class GstAudioOutput implements AudioOutput {
  readonly type: AudioOutputTarget['type'];
  readonly healthName: string;
  private readonly options: GstAudioOutputOptions;
  private readonly gst: GstProcess;
  private readonly health: HealthReporter;
  private readonly maxBacklogBytes: number;
  private healthyTimer: NodeJS.Timeout | undefined;
  private closed = false;
  dropped = 0;

  constructor(options: GstAudioOutputOptions) {
    this.options = options;
    this.type = options.type;
    this.healthName = options.healthName;
    this.maxBacklogBytes = (SAMPLE_RATE * options.channels * 4 * MAX_OUTPUT_BACKLOG_MS) / 1000;
    this.health = options.health.register(options.healthName, { kind: 'subsystem', critical: false, initialReason: 'starting' });
    this.gst = new GstProcess({
      name: `output:${options.description}`,
      gstLaunch: options.gstLaunch,
      pipeline: options.pipeline,
      logger: options.logger,
      stdin: true,
      maxRestartDelayMs: options.maxRestartDelayMs,
    });
    this.gst.on('spawn', (pid) => {
      if (this.closed) return;
      clearTimeout(this.healthyTimer);
      this.healthyTimer = setTimeout(() => {
        if (!this.closed && this.gst.pid === pid) this.health.ok();
      }, HEALTHY_AFTER_MS);
    });
    this.gst.on('exit', ({ code, signal, expected, error }) => {
      if (this.closed || expected) return;
      clearTimeout(this.healthyTimer);
      options.metrics?.outputRestarts.inc({ type: this.type });
      this.health.down(`${options.description}: output exited (${signal ? `killed by ${signal}` : `exit code ${code}`})${error ? `: ${error}` : ''}; restarting`);
    });
  }

  /** The running child's pid (tests kill it to prove recovery). */
  get pid(): number | undefined {
    return this.gst.pid;
  }

  async start(): Promise<void> {
    this.gst.start();
  }

  write(block: Buffer): void {
    const stdin = this.gst.stdin;
    if (!stdin || stdin.writableLength > this.maxBacklogBytes) {
      this.dropped++;
      this.options.metrics?.outputDroppedBlocks.inc({ type: this.type });
      return;
    }
    stdin.write(block);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.healthyTimer);
    this.options.health.unregister(this.healthName);
    await this.gst.stop();
    await this.options.onClosed?.();
  }
}
