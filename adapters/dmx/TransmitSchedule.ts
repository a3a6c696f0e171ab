export interface TransmitTiming {
  /** 1000 / refreshHz: the long-run spacing of packets for one universe. */
  minIntervalMs: number;
  /** Longest time an unchanged frame goes unsent. */
  keepAliveMs: number;
  /** Times a frame is sent again, about one interval apart, after it last changed. */
  repeatsAfterChange: number;
}

/**
 * How early a changed frame may go relative to its refresh slot, as a share of the interval: a render
 * loop's tick that comes a little early (timers round) or right after a late one goes at once. Two packets
 * are never closer than half an interval.
 */
export const CHANGE_TOLERANCE = 0.5;

/**
 * How much sooner the next slot comes after a change, as a share of the interval, while the caller keeps
 * to the refresh rate. A render loop running at exactly the refresh rate has no slack: after one late
 * tick, a strictly paced output would hold every later frame by that lateness, forever. This lets it
 * catch up within a few ticks; the packet rate is then the caller's own. A caller faster than the
 * refresh rate (by more than RATE_TOLERANCE), or frames coalescing, get strict pacing: exactly refreshHz.
 */
export const CATCH_UP = 0.1;

/** A caller whose average gap between changes is at least (1 - this) intervals keeps to the refresh rate (timers round). */
export const RATE_TOLERANCE = 0.02;

/** Changes the caller's rate is judged on (the average gap over them); fewer: paced strictly. */
const RATE_WINDOW = 8;

/**
 * How long a repeat waits past its slot, as a share of the interval. A render loop running at the refresh
 * rate delivers its next change right at that slot; a repeat firing first would take the slot and make the
 * change wait. So a repeat only goes when no change came within half an interval.
 */
export const REPEAT_DELAY = 0.5;

/**
 * When one universe's next packet is due (times in `performance.now()` ms). Send on change, paced to the
 * refresh rate (changes that come faster coalesce: only the latest frame matters); after the last change
 * the same frame `repeatsAfterChange` more times, 1.5 then 3 intervals later (a lost UDP packet then costs
 * ~35 ms at 44 Hz, and E1.31 wants three before suppression); then one keep-alive per `keepAliveMs`.
 * Nothing is due before the first frame: Roomcast doesn't blank a rig it knows nothing about.
 *
 * Pacing is a virtual clock (GCRA): each packet moves the next slot one interval on from the later of the
 * slot and the send time. A caller changing faster than refreshHz gets exactly refreshHz (k + 1 packets
 * never take less than k intervals less half an interval); one at or below it passes straight through,
 * each frame at once (see CATCH_UP).
 */
export class TransmitSchedule {
  /** The next refresh slot. */
  private slot = -Infinity;
  private lastSentAt = -Infinity;
  private hasFrame = false;
  private changed = false;
  /** A change replaced another that hadn't been sent: frames are coming faster than the output sends. */
  private coalesced = false;
  private repeatsLeft = 0;
  /** When the last RATE_WINDOW + 1 changes arrived (a ring). */
  private readonly changeTimes: number[] = [];
  private changeCount = 0;

  constructor(private readonly timing: TransmitTiming) {}

  /** A frame different from the last one arrived at `now`. */
  frameChanged(now: number): void {
    this.changeTimes[this.changeCount++ % (RATE_WINDOW + 1)] = now;
    if (this.changed) this.coalesced = true;
    this.markChanged();
  }

  /** The receiver lost what it had (a replugged serial widget): send the current frame as if it changed. */
  resendAll(): void {
    if (this.hasFrame) this.markChanged();
  }

  private markChanged(): void {
    this.hasFrame = true;
    this.changed = true;
    this.repeatsLeft = this.timing.repeatsAfterChange;
  }

  /** When the next packet should go out; Infinity before the first frame. */
  dueAt(): number {
    if (!this.hasFrame) return Infinity;
    const { minIntervalMs, keepAliveMs } = this.timing;
    if (this.changed) return this.slot - minIntervalMs * CHANGE_TOLERANCE;
    if (this.repeatsLeft > 0) return this.slot + minIntervalMs * REPEAT_DELAY;
    return Math.max(this.slot, this.lastSentAt + keepAliveMs);
  }

  /** The due packet went out at `now`. */
  sent(now: number): void {
    const { minIntervalMs } = this.timing;
    const passedThrough = this.changed && !this.coalesced && this.keepingToRate();
    this.lastSentAt = now;
    this.slot = Math.max(this.slot, now) + minIntervalMs * (passedThrough ? 1 - CATCH_UP : 1);
    this.coalesced = false;
    if (this.changed) this.changed = false;
    else if (this.repeatsLeft > 0) this.repeatsLeft--;
  }

  /** Have the last RATE_WINDOW changes come no faster than the refresh rate, on average? */
  private keepingToRate(): boolean {
    if (this.changeCount <= RATE_WINDOW) return false;
    const newest = this.changeTimes[(this.changeCount - 1) % (RATE_WINDOW + 1)]!;
    const oldest = this.changeTimes[this.changeCount % (RATE_WINDOW + 1)]!;
    return (newest - oldest) / RATE_WINDOW >= this.timing.minIntervalMs * (1 - RATE_TOLERANCE);
  }
}
