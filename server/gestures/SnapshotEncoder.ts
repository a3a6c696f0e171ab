import sharp from 'sharp';
import type { Logger } from 'pino';
import type { VideoFrame } from '../../pipelines/frames.ts';
import type { GestureSnapshot, HandsObservation } from '../protocol/gestureEvents.ts';

export interface SnapshotOptions {
  width: number;
  quality: number;
}

/**
 * JPEG snapshots of video frames for the Gestures page, at most `fps` per source and one encode in
 * flight per source (a slow encode drops frames instead of queueing them). sharp encodes on libuv's
 * thread pool, not the event loop.
 */
export class SnapshotEncoder {
  private readonly last = new Map<string, number>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly options: SnapshotOptions,
    private readonly logger: Logger,
  ) {}

  /** Encode `frame` if this source is due (`fps`); resolves with the snapshot or undefined when skipped. */
  async offer(frame: VideoFrame, observation: HandsObservation | undefined, fps: number, now = Date.now()): Promise<GestureSnapshot | undefined> {
    if (fps <= 0 || this.busy.has(frame.sourceId)) return undefined;
    if (now - (this.last.get(frame.sourceId) ?? 0) < 1000 / fps) return undefined;
    this.last.set(frame.sourceId, now);
    this.busy.add(frame.sourceId);
    try {
      const jpeg = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
        .resize({ width: Math.min(this.options.width, frame.width), withoutEnlargement: true })
        .jpeg({ quality: this.options.quality, mozjpeg: false })
        .toBuffer();
      const body = jpeg.buffer.slice(jpeg.byteOffset, jpeg.byteOffset + jpeg.byteLength) as ArrayBuffer;
      return { source: frame.sourceId, captureTs: frame.captureTs, width: frame.width, height: frame.height, jpeg: body, observation: observation ?? null };
    } catch (err) {
      this.logger.warn({ source: frame.sourceId, err: (err as Error).message }, 'gesture snapshot failed');
      return undefined;
    } finally {
      this.busy.delete(frame.sourceId);
    }
  }

  forget(source: string): void {
    this.last.delete(source);
  }
}
