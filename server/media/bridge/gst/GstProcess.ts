import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { ChildSupervisor } from '../../../supervisor/ChildSupervisor.ts';
import { debugCategory, GST_DEBUG_FOR_BASE_TIME, GstPipelineClock, parseBaseTime } from './GstPipelineClock.ts';

export interface GstProcessOptions {
  /** For logs and health reasons, e.g. `decoder:<producerId>`. */
  name: string;
  /** The gst-launch-1.0 executable. */
  gstLaunch: string;
  /** The pipeline, one argv token per element, property and `!` (gst-launch quotes each token itself). */
  pipeline: readonly string[];
  logger: Logger;
  /** The child reads stdin (PCM for an encoder). */
  stdin?: boolean;
  /** The child writes media to stdout (`fdsink fd=1`); chunks arrive here with the writer's pid. */
  onStdout?: (chunk: Buffer, pid: number) => void;
  /** Longest wait before a restart (backoff starts at 100 ms and doubles). */
  maxRestartDelayMs: number;
  /** Extra environment (e.g. PULSE_SERVER). */
  env?: NodeJS.ProcessEnv;
  /** More GStreamer debug categories to enable (`rtpvp8depay:5`); their lines go to onDebug. */
  debug?: { categories: readonly string[]; onLine: (line: string, category: string) => void };
}

export interface GstExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** We stopped it. */
  expected: boolean;
  /** GStreamer's last error message (`ERROR: from element ...` plus its debug detail), if it printed one. */
  error: string | undefined;
}

export interface GstProcessEvents {
  spawn: [pid: number];
  exit: [exit: GstExit];
  restarting: [info: { attempt: number; delayMs: number }];
  /** The running child's pipeline clock became known (shortly after it reached PLAYING). */
  clock: [clock: GstPipelineClock, pid: number];
}

/**
 * One `gst-launch-1.0 -q <pipeline>` under ChildSupervisor: restarted with backoff when it dies, killed
 * with the server, never in the server's process (a GStreamer crash — an assertion, a codec segfault —
 * costs one child). `-q` keeps stdout free for media; GStreamer's errors arrive on stderr and are kept
 * as the reason for health, and the pipeline's base time (for capture timestamps) is read there too.
 */
export class GstProcess extends EventEmitter<GstProcessEvents> {
  readonly name: string;
  private readonly supervisor: ChildSupervisor;
  private readonly logger: Logger;
  private errorLines: string[] = [];
  private currentClock: GstPipelineClock | undefined;
  private currentPid: number | undefined;
  private readonly onDebug: ((line: string, category: string) => void) | undefined;

  constructor(options: GstProcessOptions) {
    super();
    this.name = options.name;
    this.logger = options.logger;
    this.onDebug = options.debug?.onLine;
    this.supervisor = new ChildSupervisor({
      name: `gst:${options.name}`,
      command: options.gstLaunch,
      args: ['-q', ...options.pipeline],
      env: { ...process.env, ...options.env, GST_DEBUG: [GST_DEBUG_FOR_BASE_TIME, ...(options.debug?.categories ?? [])].join(','), GST_DEBUG_NO_COLOR: '1' },
      logger: options.logger,
      initialRestartDelayMs: 100,
      maxRestartDelayMs: options.maxRestartDelayMs,
      stableAfterMs: 10_000,
      stopTimeoutMs: 1_000,
      stdin: options.stdin ? 'pipe' : 'ignore',
      ...(options.onStdout ? { onStdoutData: options.onStdout } : {}),
      onOutput: (line) => this.onStderr(line),
    });
    this.supervisor.on('spawn', (pid) => {
      this.errorLines = [];
      this.currentClock = undefined;
      this.currentPid = pid;
      this.emit('spawn', pid);
    });
    this.supervisor.on('exit', ({ code, signal, expected }) => {
      this.currentPid = undefined;
      this.currentClock = undefined;
      this.emit('exit', { code, signal, expected, error: this.errorLines.length ? this.errorLines.join(' ') : undefined });
    });
    this.supervisor.on('restarting', (info) => this.emit('restarting', info));
  }

  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  get running(): boolean {
    return this.supervisor.running;
  }

  /** The running child's stdin (with `stdin: true`). */
  get stdin(): Writable | undefined {
    return this.supervisor.stdin;
  }

  /** Maps the running child's buffer timestamps to epoch ms; undefined until it reached PLAYING. */
  get clock(): GstPipelineClock | undefined {
    return this.currentClock;
  }

  /** The last error GStreamer printed in this child's life. */
  get lastError(): string | undefined {
    return this.errorLines.length ? this.errorLines.join(' ') : undefined;
  }

  start(): void {
    this.supervisor.start();
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  /** Stop and start again at once (a clean decoder after the stream changed under it). */
  async restart(): Promise<void> {
    await this.supervisor.stop();
    this.supervisor.start();
  }

  private onStderr(line: string): void {
    const category = debugCategory(line);
    if (category === 'pipeline') {
      const base = parseBaseTime(line);
      if (base !== undefined && !this.currentClock && this.currentPid !== undefined) {
        this.currentClock = new GstPipelineClock(base);
        this.emit('clock', this.currentClock, this.currentPid);
      }
      return;
    }
    if (category !== undefined) {
      this.onDebug?.(line, category);
      return;
    }
    const text = line.trim();
    const error =
      /^ERROR: from element \S+: (.*)$/.exec(text) ??
      /^WARNING: erroneous pipeline: (.*)$/.exec(text) ??
      // A GLib assertion that aborts the child: `ERROR:../gst/videorate/gstvideorate.c:740:...: assertion failed`.
      /^(?:Bail out! )?ERROR:(\.\.\/.*)$/.exec(text);
    if (error) {
      // `ERROR: from element /GstPipeline:pipeline0/GstUDPSrc:udpsrc0: Could not get/set settings...`
      this.errorLines = [error[1]!];
      this.logger.warn({ child: this.name, gst: text }, 'gstreamer reported an error');
    } else if (this.errorLines.length === 1 && !/^(Additional debug info:|\.\.\/|ERROR: pipeline|Failed to set pipeline|WARNING:)/.test(text)) {
      // The debug detail after an error: `bind failed: Error binding to address ...: Address already in use`.
      this.errorLines.push(text);
    } else {
      this.logger.debug({ child: this.name, gst: text }, 'gstreamer output');
    }
  }
}
