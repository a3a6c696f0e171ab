/**
 * A bounded buffer between a decoder (pushes at the media's pace) and one consumer (pulls at its own).
 * Nothing ever waits on a slow consumer: when the buffer is full, the OLDEST items are dropped and
 * counted. Video uses a capacity of one frame ("keep only the latest"); audio a capacity in samples.
 */
export interface FrameQueueOptions<T> {
  /** Total weight the queue may hold. */
  capacity: number;
  /** Weight of one item (default 1: capacity counts items). */
  weigh?: (item: T) => number;
}

export class FrameQueue<T> {
  private readonly items: T[] = [];
  private readonly capacity: number;
  private readonly weigh: (item: T) => number;
  private weight = 0;
  /** Readers waiting for the next item, oldest first (a reader that timed out may call again). */
  private readonly waiters: Array<(item: T | undefined) => void> = [];
  private ended = false;
  /** Items dropped because the consumer was slower than the source. */
  dropped = 0;

  constructor(options: FrameQueueOptions<T>) {
    this.capacity = options.capacity;
    this.weigh = options.weigh ?? (() => 1);
  }

  get size(): number {
    return this.items.length;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(item);
      return;
    }
    this.items.push(item);
    this.weight += this.weigh(item);
    // Keep at least the newest item even if it alone exceeds the capacity.
    while (this.weight > this.capacity && this.items.length > 1) {
      this.weight -= this.weigh(this.items.shift()!);
      this.dropped++;
    }
  }

  /** The oldest item, waiting for one if empty; undefined once ended (queued items are still delivered first). */
  next(): Promise<T | undefined> {
    const item = this.items.shift();
    if (item !== undefined) {
      this.weight -= this.weigh(item);
      return Promise.resolve(item);
    }
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** No more items: a waiting reader gets undefined; queued items can still be read. */
  end(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  /** End and discard what is queued. */
  clear(): void {
    this.items.length = 0;
    this.weight = 0;
    this.end();
  }
}
