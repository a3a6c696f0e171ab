/**
 * Calls `render(now)` at `hz` on a monotonic clock, without drift. `kick()` renders as soon as the
 * current macrotask ends (several kicks in one turn make one frame) and restarts the period from there:
 * a fired effect reaches the outputs at once instead of waiting up to a frame.
 */
export class FrameClock {
  readonly periodMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #kick: ReturnType<typeof setImmediate> | undefined;
  #next = 0;
  #running = false;

  constructor(
    hz: number,
    private readonly render: (now: number) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.periodMs = 1_000 / hz;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#next = this.now();
    this.#frame();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    if (this.#kick) clearImmediate(this.#kick);
    this.#timer = undefined;
    this.#kick = undefined;
  }

  kick(): void {
    if (!this.#running || this.#kick) return;
    this.#kick = setImmediate(() => {
      this.#kick = undefined;
      if (!this.#running) return;
      clearTimeout(this.#timer);
      this.#next = this.now();
      this.#frame();
    });
  }

  #frame(): void {
    const now = this.now();
    try {
      this.render(now);
    } finally {
      if (this.#running) {
        this.#next += this.periodMs;
        // Fell behind (a long GC, a busy machine): skip the missed frames rather than bursting.
        if (this.#next < now) this.#next = now + this.periodMs;
        this.#timer = setTimeout(() => this.#frame(), Math.max(0, this.#next - this.now()));
      }
    }
  }
}
