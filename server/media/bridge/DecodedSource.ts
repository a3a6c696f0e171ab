import type { AudioFrame, VideoFrame } from '../../../pipelines/frames.ts';
import type { MediaSource } from '../MediaContracts.ts';
import { FrameQueue } from './FrameQueue.ts';

type DecodedFrame = VideoFrame | AudioFrame;

/**
 * One consumer's view of a producer's decoded media: `for await (const frame of source)`. Each source
 * has its own bounded queue (video: the latest frame only; audio: up to `maxQueueMs`, oldest dropped),
 * so a slow pipeline stage never slows the decoder or another consumer. Iteration ends when the
 * source is closed (also by `break` out of the loop) or its producer is gone for good.
 */
export class DecodedSource<F extends DecodedFrame> implements MediaSource<F> {
  readonly id: string;
  readonly kind: F extends VideoFrame ? 'video' : 'audio';
  private readonly queue: FrameQueue<F>;
  private readonly onClose: (source: DecodedSource<F>) => Promise<void> | void;
  private closed = false;
  /** Why iteration ended early (producer closed, bridge stopping); undefined while open. */
  endReason: string | undefined;

  constructor(options: { id: string; kind: 'video' | 'audio'; queue: FrameQueue<F>; onClose: (source: DecodedSource<F>) => Promise<void> | void }) {
    this.id = options.id;
    this.kind = options.kind as F extends VideoFrame ? 'video' : 'audio';
    this.queue = options.queue;
    this.onClose = options.onClose;
  }

  /** Frames this consumer missed because it read slower than they came (video: superseded frames). */
  get dropped(): number {
    return this.queue.dropped;
  }

  get isClosed(): boolean {
    return this.closed || this.queue.isEnded;
  }

  /** Called by the decoder for every frame. */
  deliver(frame: F): void {
    this.queue.push(frame);
  }

  /** The producer is gone (or the bridge stops): readers finish what is queued, then the loop ends. */
  end(reason: string): void {
    this.endReason ??= reason;
    this.queue.end();
  }

  /** The next frame, or undefined once the source ended. */
  next(): Promise<F | undefined> {
    return this.queue.next();
  }

  [Symbol.asyncIterator](): AsyncIterator<F> {
    return {
      next: async () => {
        const frame = await this.queue.next();
        return frame === undefined ? { done: true, value: undefined } : { done: false, value: frame };
      },
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.endReason ??= 'closed';
    this.queue.clear();
    // Resolves once what this consumer kept alive is released (the decoder, if it was the last one).
    await this.onClose(this);
  }
}
