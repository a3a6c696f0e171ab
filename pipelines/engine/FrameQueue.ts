import type { Frame } from '../frames.ts';
import type { QueuePolicy } from '../Stage.ts';

interface Waiter {
  frame: Frame;
  stamp: number;
  resolve: () => void;
}

export interface FrameQueueHooks {
  /** A frame was discarded because the queue was full (lossy policies only). */
  onOverflow(frame: Frame): void;
  /** A frame became available to the consumer. */
  onReady(): void;
}

/**
 * One bounded input queue of a stage, enforcing its policy:
 * - lossy (`keep-latest`, `drop-oldest`): `push` never waits; when full the oldest frame is discarded,
 *   so a stalled consumer costs its producer nothing;
 * - `backpressure`: nothing is ever discarded; when full `push` returns a promise that resolves once
 *   the frame is in the queue, in the order producers arrived.
 * A ring buffer: no allocation or shifting per frame.
 */
export class FrameQueue {
  readonly policy: QueuePolicy;
  private readonly frames: Array<Frame | undefined>;
  /** Arrival order across all of a stage's queues, so frames of different kinds keep their order. */
  private readonly stamps: Float64Array;
  private head = 0;
  private count = 0;
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(
    policy: QueuePolicy,
    private readonly hooks: FrameQueueHooks,
  ) {
    if (!Number.isInteger(policy.capacity) || policy.capacity < 1) throw new Error(`queue capacity must be a positive integer, got ${policy.capacity}`);
    this.policy = policy;
    this.frames = new Array<Frame | undefined>(policy.capacity);
    this.stamps = new Float64Array(policy.capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Producers currently waiting for room (backpressure only). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Undefined when accepted at once; a promise when the producer must wait (backpressure, full). */
  push(frame: Frame, stamp: number): Promise<void> | undefined {
    if (this.closed) return undefined;
    const capacity = this.policy.capacity;
    if (this.count < capacity && this.waiters.length === 0) {
      this.put(frame, stamp);
      this.hooks.onReady();
      return undefined;
    }
    if (this.policy.mode === 'backpressure') {
      return new Promise<void>((resolve) => this.waiters.push({ frame, stamp, resolve }));
    }
    // Lossy and full: the oldest frame goes, the newest is always kept.
    const dropped = this.frames[this.head]!;
    this.frames[this.head] = undefined;
    this.head = (this.head + 1) % capacity;
    this.count--;
    this.hooks.onOverflow(dropped);
    this.put(frame, stamp);
    this.hooks.onReady();
    return undefined;
  }

  /** Arrival stamp of the next frame, or undefined when empty. */
  peekStamp(): number | undefined {
    return this.count ? this.stamps[this.head] : undefined;
  }

  shift(): Frame | undefined {
    if (!this.count) return undefined;
    const frame = this.frames[this.head]!;
    this.frames[this.head] = undefined;
    this.head = (this.head + 1) % this.policy.capacity;
    this.count--;
    const waiter = this.waiters.shift();
    if (waiter) {
      // A waiting producer's frame takes the freed place; it stays behind everything already queued.
      this.put(waiter.frame, waiter.stamp);
      waiter.resolve();
    }
    return frame;
  }

  /** Discard everything and release waiting producers (stopping). Returns how many frames were discarded. */
  close(): number {
    this.closed = true;
    const discarded = this.count + this.waiters.length;
    this.frames.fill(undefined);
    this.count = 0;
    this.head = 0;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    return discarded;
  }

  private put(frame: Frame, stamp: number): void {
    const index = (this.head + this.count) % this.policy.capacity;
    this.frames[index] = frame;
    this.stamps[index] = stamp;
    this.count++;
  }
}
