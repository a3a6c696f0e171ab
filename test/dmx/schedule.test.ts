import { describe, expect, it } from 'vitest';
import { CATCH_UP, TransmitSchedule } from '../../adapters/dmx/TransmitSchedule.ts';

// The send policy on a virtual clock (no sockets, no timers): exactly when each packet of one universe is due.

const T = 1000 / 44;
const schedule = (keepAliveMs = 1000) => new TransmitSchedule({ minIntervalMs: T, keepAliveMs, repeatsAfterChange: 2 });

/** Run a schedule on a virtual clock: frames change at `changes` (ms, ascending); returns when packets go out. */
function simulate(s: TransmitSchedule, untilMs: number, changes: number[]): number[] {
  const sent: number[] = [];
  const pending = [...changes];
  for (;;) {
    const due = s.dueAt();
    const nextChange = pending[0] ?? Infinity;
    if (Math.min(due, nextChange) > untilMs) return sent;
    if (nextChange <= due) {
      pending.shift();
      s.frameChanged(nextChange);
      if (s.dueAt() <= nextChange) {
        s.sent(nextChange);
        sent.push(nextChange);
      }
    } else {
      s.sent(due);
      sent.push(due);
    }
  }
}

const every = (ms: number, until: number) => Array.from({ length: Math.floor(until / ms) + 1 }, (_, i) => i * ms);
const round = (times: number[]) => times.map((t) => Math.round(t * 10) / 10);

describe('TransmitSchedule', () => {
  it('nothing is due before the first frame', () => {
    expect(schedule().dueAt()).toBe(Infinity);
  });

  // A repeat waits half an interval past its slot: 1.5 and 3 intervals after an isolated change. After a
  // change from a caller keeping to the refresh rate, the next slot comes CATCH_UP sooner.
  const R1 = 1.5 * T;
  const R2 = 3 * T;
  const LOOP_R1 = (1 - CATCH_UP) * T + T / 2;
  const LOOP_R2 = LOOP_R1 + 1.5 * T;

  it('a change goes at once, the same frame twice more about 1.5 intervals apart, then a keep-alive per keepAliveMs', () => {
    const sent = simulate(schedule(1000), 3200, [10]);
    expect(round(sent)).toEqual(round([10, 10 + R1, 10 + R2, 10 + R2 + 1000, 10 + R2 + 2000, 10 + R2 + 3000]));
  });

  it('a render loop changing at the refresh rate is never made to wait by a repeat (repeats yield half an interval)', () => {
    const ticks = every(T, 1000);
    const sent = simulate(schedule(), 1000 + 4 * T, ticks);
    // One packet per tick, exactly on the tick; the two repeats only after the loop stopped changing.
    const last = ticks.at(-1)!;
    expect(round(sent)).toEqual(round([...ticks, last + LOOP_R1, last + LOOP_R2]));
  });

  it("a change during the repeats goes out (up to half an interval before its slot) and starts its own three", () => {
    // 0: change; its repeat would go at 34.1, but the change at 30 is due (slot 22.7 less half an
    // interval) and goes at once; its own repeats follow.
    const sent = simulate(schedule(1000), 200, [0, 30]);
    expect(round(sent)).toEqual(round([0, 30, 30 + R1, 30 + R2]));
  });

  it('a flood of changes: never more than one packet per interval in the long run (k + 1 packets >= k intervals - T/2)', () => {
    const sent = simulate(schedule(), 1000, every(1, 1000));
    // (the first change got its own packet, so the second slot came CATCH_UP early; strict after that)
    const slack = T / 2 + CATCH_UP * T;
    expect(sent.length).toBeLessThanOrEqual(1 + Math.floor((1000 + slack) / T));
    for (let i = 0; i < sent.length; i++) for (let j = i + 1; j < sent.length; j++) expect(sent[j]! - sent[i]!).toBeGreaterThanOrEqual((j - i) * T - slack - 1e-9);
    expect(sent.length).toBeGreaterThanOrEqual(Math.floor(1000 / T)); // and no slower than refreshHz
  });

  it('a render loop faster than the output (44 Hz into sACN\'s 40 Hz) gets exactly the output\'s rate', () => {
    const sacn = new TransmitSchedule({ minIntervalMs: 25, keepAliveMs: 1000, repeatsAfterChange: 2 });
    const sent = simulate(sacn, 2000, every(T, 2000));
    expect(sent.length).toBeLessThanOrEqual(1 + Math.floor((2000 + 0.6 * 25) / 25));
    expect(sent.length).toBeGreaterThanOrEqual(Math.floor(2000 / 25) - 1);
    // ... and a caller only slightly too fast (45 Hz into 44) is held to 44 Hz too.
    const sent45 = simulate(schedule(), 2000, every(1000 / 45, 2000));
    expect(sent45.length).toBeLessThanOrEqual(1 + Math.floor((2000 + 0.6 * T) / T));
  });

  it('a render loop at exactly 44 Hz catches up within a few ticks after its packet went out 25 ms late', () => {
    const s = schedule();
    const waits: number[] = [];
    for (let k = 0; k < 40; k++) {
      const tick = k * T;
      s.frameChanged(tick);
      const at = k === 10 ? tick + 25 : Math.max(tick, s.dueAt()); // the event loop stalled once
      waits.push(at - tick);
      s.sent(at);
    }
    expect(waits.slice(0, 10).every((w) => w === 0)).toBe(true);
    expect(waits.slice(16).every((w) => w === 0)).toBe(true); // back in step, and stays there
    expect(Math.max(...waits.slice(11))).toBeLessThan(T / 2);
  });

  it('a render loop at exactly 44 Hz is never held back by a tick that ran 8 ms late', () => {
    const s = schedule();
    const ticks = Array.from({ length: 20 }, (_, k) => k * T + (k === 5 ? 8 : 0));
    for (const t of ticks) {
      s.frameChanged(t);
      expect(s.dueAt()).toBeLessThanOrEqual(t);
      s.sent(t);
    }
  });

  it('a keep-alive shorter than the interval gives a steady stream at the refresh rate after the repeats', () => {
    const sent = simulate(schedule(5), 510, [0]);
    expect(round(sent.slice(0, 3))).toEqual(round([0, R1, R2]));
    expect(round(sent.slice(2))).toEqual(round(every(T, 510 - R2).map((t) => t + R2)));
  });

  it('resendAll (a replugged widget) sends the current frame again as a change; before any frame it does nothing', () => {
    const fresh = schedule();
    fresh.resendAll();
    expect(fresh.dueAt()).toBe(Infinity);
    const s = schedule();
    s.frameChanged(0);
    s.sent(0);
    s.sent(T);
    s.sent(2 * T); // repeats done
    expect(s.dueAt()).toBeCloseTo(2 * T + 1000);
    s.resendAll();
    expect(s.dueAt()).toBeLessThanOrEqual(3 * T);
  });
});
