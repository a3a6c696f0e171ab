import type { Logger } from 'pino';
import type { AudioPlayback } from '../MediaContracts.ts';
import { SAMPLE_RATE } from './gst/gstPipelines.ts';
import type { MediaBridgeMetrics } from './mediaBridgeMetrics.ts';
import type { AudioOutput } from './outputs/AudioOutput.ts';

export interface PcmPlaybackOptions {
  id: string;
  channels: 1 | 2;
  outputs: readonly AudioOutput[];
  /** How much PCM may wait here ahead of the wall clock before write() waits. */
  playAheadMs: number;
  logger: Logger;
  metrics?: MediaBridgeMetrics | undefined;
  onClosed?: (playback: PcmPlayback) => void;
}

/** PCM leaves in blocks of this length (one Opus frame). */
export const BLOCK_MS = 20;
const BLOCK_FRAMES = (SAMPLE_RATE * BLOCK_MS) / 1000;
/** A block is sent this much before it is due, so timer jitter never starves an output. */
const SEND_LEAD_MS = 10;

/** `write()` got something that is not PCM for this playback. */
export class PcmFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PcmFormatError';
  }
}

/**
 * "Play this PCM stream to these outputs": the writer pushes 48 kHz float32 interleaved samples as
 * fast as it likes; they are cut into 20 ms blocks and released to every output at the wall-clock
 * pace (block n is due at start + n x 20 ms). write() resolves once the samples are queued and no more
 * than `playAheadMs` waits here, which paces the writer to real time without a clock of its own.
 * When the writer falls behind (nothing queued when a block is due), the schedule restarts at the
 * next block instead of rushing to catch up; that is an underrun, counted.
 */
export class PcmPlayback implements AudioPlayback {
  readonly id: string;
  readonly channels: 1 | 2;
  readonly outputs: readonly AudioOutput[];
  private readonly options: PcmPlaybackOptions;
  private readonly blockSamples: number;
  private readonly blocks: Float32Array[] = [];
  private partial: Float32Array;
  private partialFill = 0;
  private startedAt: number | undefined;
  private released = 0;
  /** The queue emptied since the last block left (a late block after this is the writer's fault). */
  private ranDry = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly writers: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private closed = false;
  underruns = 0;

  constructor(options: PcmPlaybackOptions) {
    this.options = options;
    this.id = options.id;
    this.channels = options.channels;
    this.outputs = options.outputs;
    this.blockSamples = BLOCK_FRAMES * options.channels;
    this.partial = new Float32Array(this.blockSamples);
  }

  /** Milliseconds of PCM queued here and not yet released to the outputs. */
  get queuedMs(): number {
    return ((this.blocks.length * BLOCK_FRAMES + this.partialFill / this.channels) * 1000) / SAMPLE_RATE;
  }

  write(samples: Float32Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`playback ${this.id} is closed`));
    if (!(samples instanceof Float32Array)) return Promise.reject(new PcmFormatError(`write() takes a Float32Array of 48 kHz PCM, got ${describe(samples)}`));
    if (samples.length % this.channels !== 0) {
      return Promise.reject(new PcmFormatError(`${samples.length} samples is not a whole number of ${this.channels}-channel frames (interleaved)`));
    }
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.blockSamples - this.partialFill, samples.length - offset);
      this.partial.set(samples.subarray(offset, offset + take), this.partialFill);
      this.partialFill += take;
      offset += take;
      if (this.partialFill === this.blockSamples) {
        this.blocks.push(this.partial);
        this.partial = new Float32Array(this.blockSamples);
        this.partialFill = 0;
      }
    }
    this.pump();
    if (this.queuedMs <= this.options.playAheadMs) return Promise.resolve();
    return new Promise((resolve, reject) => this.writers.push({ resolve, reject }));
  }

  private dueAt(block: number): number {
    return this.startedAt! + block * BLOCK_MS;
  }

  /** Release every block that is due, then sleep until the next one is. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    let now = performance.now();
    if (this.blocks.length > 0) {
      if (this.startedAt === undefined) {
        this.startedAt = now;
      } else if (this.ranDry && this.dueAt(this.released) < now - BLOCK_MS) {
        // The writer fell behind (nothing was queued when blocks came due): start the schedule again
        // from now rather than rushing. A late timer with PCM queued is not this: it just catches up.
        this.underruns++;
        this.options.metrics?.playbackUnderruns.inc();
        this.startedAt = now - this.released * BLOCK_MS;
      }
      this.ranDry = false;
    }
    while (this.blocks.length > 0 && this.dueAt(this.released) <= now + SEND_LEAD_MS) {
      const block = this.blocks.shift()!;
      const bytes = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
      for (const output of this.outputs) output.write(bytes);
      this.released++;
      now = performance.now();
    }
    if (this.blocks.length === 0 && this.startedAt !== undefined) this.ranDry = true;
    while (this.writers.length > 0 && this.queuedMs <= this.options.playAheadMs) this.writers.shift()!.resolve();
    if (this.blocks.length > 0) {
      this.timer = setTimeout(() => this.pump(), Math.max(1, this.dueAt(this.released) - SEND_LEAD_MS - now));
    }
  }

  /** Stop at once (queued PCM is discarded), stop every output; pending writes reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.blocks.length = 0;
    for (const writer of this.writers.splice(0)) writer.reject(new Error(`playback ${this.id} was closed`));
    await Promise.all(this.outputs.map((output) => output.close().catch((err: Error) => this.options.logger.warn({ err: err.message, output: output.healthName }, 'output did not close cleanly'))));
    this.options.onClosed?.(this);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}
