import type { OverlayAlert } from '../../server/protocol/overlayEvents.ts';

export interface AlertQueueOptions {
  /** Shows one alert and resolves once it has left the screen. */
  present(alert: OverlayAlert): Promise<void>;
  /** Beyond this many waiting alerts the oldest waiting ones are dropped (a burst must not queue for hours). */
  maxWaiting?: number;
}

/** One alert at a time, in arrival order; duplicates (same id) are shown once. */
export class AlertQueue {
  readonly #waiting: OverlayAlert[] = [];
  readonly #seen = new Set<string>();
  readonly #present: AlertQueueOptions['present'];
  readonly #maxWaiting: number;
  #running = false;

  constructor(options: AlertQueueOptions) {
    this.#present = options.present;
    this.#maxWaiting = options.maxWaiting ?? 25;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  push(alert: OverlayAlert): void {
    if (this.#seen.has(alert.id)) return;
    this.#seen.add(alert.id);
    if (this.#seen.size > 500) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    this.#waiting.push(alert);
    while (this.#waiting.length > this.#maxWaiting) this.#waiting.shift();
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let next = this.#waiting.shift(); next !== undefined; next = this.#waiting.shift()) {
        try {
          await this.#present(next);
        } catch {
          // A broken alert must not stop the ones behind it.
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
