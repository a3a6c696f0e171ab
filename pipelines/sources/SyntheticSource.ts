import type { AudioFrame, EventFrame, Frame, FrameKind, VideoFrame } from '../frames.ts';
import { sleep } from '../engine/Backoff.ts';
import type { PipelineSource, PushFrame, SourceReporter } from './PipelineSource.ts';

export interface SyntheticSourceOptions {
  pipelineId: string;
  kind: FrameKind;
  /** Frames (video), blocks (audio) or events per second. */
  rate: number;
  /** Stop after this many frames (undefined: forever). */
  count?: number | undefined;
  /** Video: picture size and what it shows (`bar` moves across the picture; `still` never changes). */
  width: number;
  height: number;
  pattern: 'bar' | 'still';
  /** Event: the type of the events (`tick`). */
  eventType: string;
  /** Audio: tone frequency. */
  toneHz: number;
}

const AUDIO_RATE = 48_000;

/**
 * A source that needs no camera or file: a moving bar (video), a tone (audio) or numbered events. For
 * trying pipelines out, demos, and measuring the engine itself.
 */
export class SyntheticSource implements PipelineSource {
  readonly kinds: readonly FrameKind[];
  readonly description: string;
  private seq = 0;

  constructor(private readonly options: SyntheticSourceOptions) {
    this.kinds = [options.kind];
    this.description = `synthetic ${options.kind} at ${options.rate}/s`;
  }

  async run(push: PushFrame, signal: AbortSignal, report: SourceReporter): Promise<void> {
    report.ok();
    const { rate, count } = this.options;
    const started = performance.now();
    let produced = 0;
    while (!signal.aborted && (count === undefined || produced < count)) {
      // Drift-free pacing: produce whatever is due by now, then sleep until the next one is.
      const due = Math.floor(((performance.now() - started) / 1000) * rate) + 1;
      while (produced < due && (count === undefined || produced < count) && !signal.aborted) {
        const wait = push(this.next());
        produced++;
        if (wait) await wait;
      }
      const nextAt = started + (produced / rate) * 1000;
      // At high rates this batches many frames per timer tick; sleep(0) still yields to the stages.
      await sleep(Math.max(0, nextAt - performance.now()), signal);
    }
  }

  private next(): Frame {
    const seq = this.seq++;
    const base = { sourceId: `synthetic:${this.options.pipelineId}`, seq, captureTs: Date.now() };
    switch (this.options.kind) {
      case 'video':
        return this.videoFrame(base);
      case 'audio':
        return this.audioFrame(base);
      case 'event':
        return { ...base, kind: 'event', type: this.options.eventType, payload: { n: seq } } satisfies EventFrame;
    }
  }

  private videoFrame(base: { sourceId: string; seq: number; captureTs: number }): VideoFrame {
    const { width, height, pattern } = this.options;
    const data = new Uint8Array(width * height * 3);
    data.fill(24);
    if (pattern === 'bar') {
      // A bright vertical bar a tenth of the width, moving a fortieth of the width per frame.
      const barWidth = Math.max(1, Math.round(width / 10));
      const x0 = Math.round((base.seq * width) / 40) % width;
      const row = new Uint8Array(width * 3).fill(24);
      for (let x = x0; x < Math.min(width, x0 + barWidth); x++) row.fill(230, x * 3, x * 3 + 3);
      for (let y = 0; y < height; y++) data.set(row, y * width * 3);
    }
    return { ...base, kind: 'video', width, height, format: 'rgb24', data };
  }

  private audioFrame(base: { sourceId: string; seq: number; captureTs: number }): AudioFrame {
    const frames = Math.round(AUDIO_RATE / this.options.rate);
    const samples = new Float32Array(frames);
    const offset = base.seq * frames;
    const w = (2 * Math.PI * this.options.toneHz) / AUDIO_RATE;
    for (let i = 0; i < frames; i++) samples[i] = 0.25 * Math.sin(w * (offset + i));
    return { ...base, kind: 'audio', sampleRate: AUDIO_RATE, channels: 1, samples };
  }
}
