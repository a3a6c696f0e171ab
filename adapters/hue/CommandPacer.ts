/**
 * When the next command of one kind (light or group) may leave for a bridge, so that the bridge never
 * counts more than `perSecond` of them in any one second.
 *
 * Two rules:
 * - Even spacing, `(1 s + margin) / perSecond` apart, kept on a theoretical schedule (GCRA) with half an
 *   interval of tolerance: a send that left late (a busy CPU fired its timer late) lets the next one
 *   follow a little sooner instead of pushing every later command back, and there are never bursts.
 * - A sliding window over when commands *finished* (the bridge's answer arrived): a command may leave
 *   only once the one `perSecond` commands back finished more than 1 s (plus the margin) ago. The bridge
 *   received a command before it answered, so this holds at the bridge even when sends were held up on
 *   our side (node-hue-api queues requests, polling shares that queue) and arrive bunched together.
 * Steady state: ~perSecond / (1 + margin), e.g. ~9.5 light commands/s for 10/s.
 */
export class CommandPacer {
  /** The average interval between sends. */
  readonly intervalMs: number;
  /** Commands allowed per window (at least 1), and the window they are counted over. */
  private readonly burst: number;
  private readonly windowMs: number;
  /** When the next send is due on the even schedule (GCRA's theoretical arrival time). */
  private dueAt = -Infinity;
  private readonly finishedAt: number[] = [];
  private blockedUntil = 0;
  private backoffMs = 0;

  constructor(
    readonly perSecond: number,
    readonly marginMs = 50,
    private readonly maxBackoffMs = 8_000,
  ) {
    this.intervalMs = (1_000 + marginMs) / perSecond;
    this.burst = Math.max(1, Math.floor(perSecond));
    this.windowMs = (this.burst * 1_000) / perSecond + marginMs;
  }

  /** The earliest time (performance.now() clock) the next command may be sent. */
  nextAt(): number {
    const windowFreeAt = this.finishedAt.length < this.burst ? -Infinity : this.finishedAt[0]! + this.windowMs;
    return Math.max(this.dueAt - this.intervalMs / 2, windowFreeAt, this.blockedUntil);
  }

  sent(at: number): void {
    this.dueAt = Math.max(this.dueAt, at) + this.intervalMs;
  }

  /** The bridge answered (or the attempt failed): from here on it surely has counted the command. */
  finished(at: number): void {
    this.finishedAt.push(at);
    if (this.finishedAt.length > this.burst) this.finishedAt.shift();
  }

  /** The bridge said it is overloaded: wait, longer each time in a row (1 s, 2 s, 4 s... capped). */
  backOff(now: number): number {
    this.backoffMs = this.backoffMs ? Math.min(this.maxBackoffMs, this.backoffMs * 2) : 1_000;
    this.blockedUntil = now + this.backoffMs;
    return this.backoffMs;
  }

  /** A command went through: the next overload starts the back-off afresh. */
  succeeded(): void {
    this.backoffMs = 0;
  }
}
