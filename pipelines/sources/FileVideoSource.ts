import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import { GstProcess } from '../../server/media/bridge/gst/GstProcess.ts';
import { GdpReader } from '../../server/media/bridge/gst/GdpReader.ts';
import type { VideoFrame } from '../frames.ts';
import { sleep } from '../engine/Backoff.ts';
import { aborted, type PipelineSource, type PushFrame, type SourceReporter } from './PipelineSource.ts';

export interface FileVideoSourceOptions {
  pipelineId: string;
  /** Absolute path of the video file. */
  path: string;
  width: number;
  height: number;
  /** Output frame rate (videorate); undefined keeps the file's. */
  fps?: number | undefined;
  /** Start again at the end. */
  loop: boolean;
  /** Pace frames at the file's speed (true) or decode as fast as possible (false). */
  realtime: boolean;
  logger: Logger;
  /** gst-launch-1.0 by default. */
  gstLaunch?: string | undefined;
}

const MISSING_FILE_POLL_MS = 2_000;

/**
 * Decodes a video file to packed RGB frames in a supervised `gst-launch-1.0` child (the media bridge's
 * GstProcess: a GStreamer crash stays in the child, which is restarted with backoff and reported). Frames
 * come over stdout in the GStreamer Data Protocol (the bridge's GdpReader), with a fresh reader per
 * child, so a restart or a loop never shifts frame boundaries.
 */
export class FileVideoSource implements PipelineSource {
  readonly kinds = ['video'] as const;
  readonly description: string;

  constructor(private readonly options: FileVideoSourceOptions) {
    this.description = `file ${options.path}${options.loop ? ' (loop)' : ''}`;
  }

  /** The gst-launch pipeline, one argv token each (gst-launch quotes them itself). */
  static gstPipeline(options: Pick<FileVideoSourceOptions, 'path' | 'width' | 'height' | 'fps' | 'realtime'>): string[] {
    const caps = `video/x-raw,format=RGB,width=${options.width},height=${options.height},pixel-aspect-ratio=1/1${options.fps ? `,framerate=${options.fps}/1` : ''}`;
    return [
      'filesrc', `location=${options.path}`,
      '!', 'decodebin',
      '!', 'videoconvert',
      '!', 'videoscale', 'add-borders=true',
      '!', 'videorate',
      '!', caps,
      '!', 'gdppay',
      // sync=true paces frames by their timestamps: the file plays at its own speed.
      '!', 'fdsink', 'fd=1', `sync=${options.realtime}`,
    ];
  }

  async run(push: PushFrame, signal: AbortSignal, report: SourceReporter): Promise<void> {
    const { path, width, height, logger } = this.options;
    while (!existsSync(path)) {
      report.problem(`file not found: ${path}`);
      await sleep(MISSING_FILE_POLL_MS, signal);
      if (signal.aborted) return;
    }

    const frameBytes = width * height * 3;
    const sourceId = `file:${path}`;
    let seq = 0;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let reader: { pid: number; gdp: GdpReader } | undefined;
    let lastChunkAt = 0;
    // A first stage that asked for backpressure on video makes push() wait; the child's stdout cannot
    // be paused through the supervisor, so frames arriving meanwhile are skipped (never queued unbounded).
    let waiting = false;

    const gst = new GstProcess({
      name: `file:${this.options.pipelineId}`,
      gstLaunch: this.options.gstLaunch ?? 'gst-launch-1.0',
      pipeline: FileVideoSource.gstPipeline(this.options),
      logger,
      maxRestartDelayMs: 10_000,
      onStdout: (chunk, pid) => {
        lastChunkAt = Date.now();
        if (reader?.pid !== pid) {
          reader = {
            pid,
            gdp: new GdpReader({
              buffer: ({ payload }) => {
                if (payload.length !== frameBytes) return;
                if (waiting) return;
                const frame: VideoFrame = { kind: 'video', sourceId, seq: seq++, captureTs: Date.now(), width, height, format: 'rgb24', data: payload };
                const wait = push(frame);
                if (wait) {
                  waiting = true;
                  void wait.then(() => (waiting = false));
                }
              },
            }),
          };
          report.ok();
        }
        try {
          reader.gdp.write(chunk);
        } catch (err) {
          report.problem(`decoder output for ${path} lost its framing (${(err as Error).message}); restarting it`);
          reader = undefined;
          void gst.restart();
        }
      },
    });
    gst.on('exit', ({ code, signal: killedBy, expected, error }) => {
      if (expected) return;
      if (code === 0) {
        // End of file. Let the supervisor finish its own bookkeeping before taking over the restart.
        setImmediate(async () => {
          if (this.options.loop && !signal.aborted) return void gst.restart();
          // The last frames can still be in the pipe when the child exits: read until it is quiet.
          const deadline = Date.now() + 2_000;
          while (Date.now() - lastChunkAt < 100 && Date.now() < deadline && !signal.aborted) await sleep(50, signal);
          await gst.stop();
          finish();
        });
        return;
      }
      report.problem(`decoder for ${path} exited (${killedBy ?? `code ${code}`})${error ? `: ${error}` : ''}; restarting`);
    });
    gst.start();
    try {
      await Promise.race([finished, aborted(signal)]);
    } finally {
      await gst.stop();
    }
  }
}
