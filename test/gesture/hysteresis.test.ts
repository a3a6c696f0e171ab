import { describe, expect, it } from 'vitest';
import { GestureHysteresis } from '../../pipelines/stages/gesture/GestureHysteresis.ts';
import { GestureRecognizer } from '../../pipelines/stages/gesture/GestureRecognizer.ts';
import type { GestureEvent, HandPose, ObservedHand } from '../../server/protocol/gestureEvents.ts';
import { SHAPES, handModel, placeHand, type SyntheticPose } from './helpers/syntheticHand.ts';

/** Feed `labels` one per `frameMs` from t=0; returns the transitions as compact strings. */
function feed(h: GestureHysteresis, labels: Array<HandPose | null>, frameMs: number, t0 = 0): string[] {
  const out: string[] = [];
  labels.forEach((label, i) => {
    for (const tr of h.observe(t0 + i * frameMs, label, 0.9)) out.push(`${tr.phase} ${tr.label} @${tr.decidedAt} since ${tr.startedAt}`);
  });
  return out;
}

const repeat = <T,>(value: T, n: number): T[] => Array.from({ length: n }, () => value);

describe('hysteresis: a pose must hold before it starts and be gone before it ends', () => {
  it('starts only after N frames AND M ms, both counted from the first frame showing it', () => {
    // 3 frames at 100 ms span 200 ms >= 120 ms: starts on the third frame.
    expect(feed(new GestureHysteresis({ minHoldFrames: 3, minHoldMs: 120 }), repeat('fist', 3), 100)).toEqual(['start fist @200 since 0']);
    // At 30 fps, 3 frames span only 66 ms: it waits for the time too (frame 4 at 100 ms is not enough; frame 5 at 133 ms is).
    expect(feed(new GestureHysteresis({ minHoldFrames: 3, minHoldMs: 120 }), repeat('fist', 6), 1000 / 30)).toEqual([`start fist @${(4 * 1000) / 30} since 0`]);
    // Two frames never start it.
    expect(feed(new GestureHysteresis({ minHoldFrames: 3, minHoldMs: 0 }), ['fist', 'fist', null, 'fist', 'fist'], 100)).toEqual([]);
  });

  it('a one-frame flicker to another pose or to nothing neither ends the gesture nor starts another', () => {
    const h = new GestureHysteresis({ minHoldFrames: 2, minHoldMs: 0, releaseFrames: 3, releaseMs: 100 });
    const labels: Array<HandPose | null> = ['victory', 'victory', 'fist', 'victory', null, 'victory', 'fist', 'fist', 'victory'];
    expect(feed(h, labels, 50)).toEqual(['start victory @50 since 0']);
    expect(h.current).toMatchObject({ label: 'victory', since: 0 });
  });

  it('ends after the release frames and time, then the next pose can start on the same frame', () => {
    const h = new GestureHysteresis({ minHoldFrames: 3, minHoldMs: 100, releaseFrames: 3, releaseMs: 100 });
    const labels: Array<HandPose | null> = [...repeat<HandPose>('fist', 4), ...repeat<HandPose>('open_palm', 4)];
    expect(feed(h, labels, 50)).toEqual(['start fist @100 since 0', 'end fist @300 since 0', 'start open_palm @300 since 200']);
  });

  it('reports when the gesture was last seen and how long it was held', () => {
    const h = new GestureHysteresis({ minHoldFrames: 2, minHoldMs: 0, releaseFrames: 2, releaseMs: 0 });
    const transitions = ['pinch', 'pinch', 'pinch', null, null].flatMap((label, i) => h.observe(i * 40, label as HandPose | null, 0.8));
    expect(transitions.at(-1)).toEqual({ phase: 'end', label: 'pinch', startedAt: 0, decidedAt: 160, lastSeenAt: 80, confidence: 0.8 });
  });

  it('release() ends an active pose at once (stream stopped)', () => {
    const h = new GestureHysteresis({ minHoldFrames: 1, minHoldMs: 0 });
    h.observe(0, 'fist', 1);
    expect(h.release(500)).toEqual([{ phase: 'end', label: 'fist', startedAt: 0, decidedAt: 500, lastSeenAt: 0, confidence: 1 }]);
    expect(h.release(600)).toEqual([]);
  });
});

describe('recognizer: gesture_start / gesture_end events with timestamps and latency', () => {
  const hand = (pose: SyntheticPose, handedness: 'Left' | 'Right' = 'Right'): ObservedHand => ({
    landmarks: placeHand(handModel(SHAPES[pose]), { rotationDeg: 10, size: 0.25, centre: [0.5, 0.55], aspect: 4 / 3 }),
    handedness,
    handednessScore: 0.95,
    score: 0.8,
  });

  it('events carry the source, room, hand, first-seen and deciding capture times, and latency from the fake clock', () => {
    let clock = 10_000;
    const recognizer = new GestureRecognizer({ source: 'room:demo/cam-1', room: 'demo', hold: { minHoldFrames: 3, minHoldMs: 100, releaseFrames: 2, releaseMs: 50 }, now: () => clock });
    const events: GestureEvent[] = [];
    const frames: Array<ObservedHand[]> = [[hand('victory')], [hand('victory')], [hand('victory')], [hand('victory')], [], [], []];
    frames.forEach((hands, i) => {
      const captureTs = 9_000 + i * 66;
      clock = captureTs + 35; // the frame's processing took 35 ms
      events.push(...recognizer.observe({ captureTs, width: 640, height: 480, mode: 'tracking', inferenceMs: 30, hands }).events);
    });
    expect(events).toEqual([
      { phase: 'start', source: 'room:demo/cam-1', room: 'demo', label: 'victory', hand: 'Right', confidence: 1, startedAt: 9_000, decidedAt: 9_132, emittedAt: 9_167, latencyMs: 35 },
      { phase: 'end', source: 'room:demo/cam-1', room: 'demo', label: 'victory', hand: 'Right', confidence: 1, startedAt: 9_000, decidedAt: 9_330, emittedAt: 9_365, latencyMs: 35, durationMs: 198 },
    ]);
  });

  it('tracks two hands separately by handedness, and reports what is active per hand', () => {
    const recognizer = new GestureRecognizer({ source: 's', room: undefined, hold: { minHoldFrames: 2, minHoldMs: 0 }, now: () => 0 });
    const labels: string[] = [];
    let last;
    for (let i = 0; i < 3; i++) {
      last = recognizer.observe({ captureTs: i * 50, width: 640, height: 480, mode: 'searching', inferenceMs: 200, hands: [hand('fist', 'Left'), hand('open_palm', 'Right')] });
      labels.push(...last.events.map((e) => `${e.phase} ${e.hand} ${e.label}`));
    }
    expect(labels.sort()).toEqual(['start Left fist', 'start Right open_palm']);
    expect(last!.observation.active.map((a) => `${a.hand} ${a.label}`).sort()).toEqual(['Left fist', 'Right open_palm']);
    expect(last!.observation.hands.map((h) => h.pose).sort()).toEqual(['fist', 'open_palm']);
  });
});
