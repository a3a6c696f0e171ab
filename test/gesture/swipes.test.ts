import { describe, expect, it } from 'vitest';
import { GestureRecognizer, type HandsFrame } from '../../pipelines/stages/gesture/GestureRecognizer.ts';
import type { GestureEvent, HandLandmarks } from '../../server/protocol/gestureEvents.ts';
import { SHAPES, handModel, placeHand, seededRandom } from './helpers/syntheticHand.ts';

const FPS = 30;
const T0 = 1_700_000_000_000;
const palm = handModel(SHAPES.open_palm);

interface Step {
  centre: [number, number];
  size?: number;
  /** No hand in this frame. */
  gone?: boolean;
}

/** Feed a path of palm positions (one per frame at 30 fps) through the recognizer; returns the swipe events. */
function run(path: Step[], options: { jitter?: number; mirrored?: boolean; seed?: number } = {}): GestureEvent[] {
  const random = seededRandom(options.seed ?? 1);
  let clock = T0;
  const recognizer = new GestureRecognizer({ source: 'room:demo/cam-1', room: 'demo', swipe: { mirrored: options.mirrored ?? false }, now: () => clock });
  const events: GestureEvent[] = [];
  path.forEach((step, i) => {
    const landmarks: HandLandmarks = placeHand(palm, { rotationDeg: 0, size: step.size ?? 0.2, centre: step.centre, jitter: options.jitter ?? 0.02, random });
    const captureTs = T0 + (i * 1000) / FPS;
    clock = captureTs + 20; // each frame is processed 20 ms after capture
    const frame: HandsFrame = {
      captureTs,
      width: 640,
      height: 480,
      mode: 'tracking',
      inferenceMs: 30,
      hands: step.gone ? [] : [{ landmarks, handedness: 'Right', handednessScore: 0.9, score: 0.8 }],
    };
    events.push(...recognizer.observe(frame).events.filter((e) => e.label.startsWith('swipe_')));
  });
  return events;
}

/** Positions from a to b over `frames` frames, then held for `hold` frames. */
function move(a: [number, number], b: [number, number], frames: number, hold = 0): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i <= frames; i++) steps.push({ centre: [a[0] + ((b[0] - a[0]) * i) / frames, a[1] + ((b[1] - a[1]) * i) / frames] });
  for (let i = 0; i < hold; i++) steps.push({ centre: b });
  return steps;
}

const starts = (events: GestureEvent[]) => events.filter((e) => e.phase === 'start').map((e) => e.label);

describe('swipes from palm motion', () => {
  it('detects a swipe in each direction (image directions, as the camera sees them)', () => {
    expect(starts(run(move([0.75, 0.5], [0.25, 0.5], 9, 10)))).toEqual(['swipe_left']);
    expect(starts(run(move([0.25, 0.5], [0.75, 0.5], 9, 10)))).toEqual(['swipe_right']);
    expect(starts(run(move([0.5, 0.8], [0.5, 0.25], 9, 10)))).toEqual(['swipe_up']);
    expect(starts(run(move([0.5, 0.25], [0.5, 0.8], 9, 10)))).toEqual(['swipe_down']);
  });

  it('a swipe starts and ends on the frame that completes it, with the motion start and latency', () => {
    const events = run(move([0.75, 0.5], [0.25, 0.5], 9, 5));
    expect(events.map((e) => e.phase)).toEqual(['start', 'end']);
    const [start, end] = events as [GestureEvent, GestureEvent];
    expect(start).toMatchObject({ source: 'room:demo/cam-1', room: 'demo', hand: 'Right', label: 'swipe_left' });
    expect(start.decidedAt).toBeGreaterThan(start.startedAt);
    expect(start.decidedAt - start.startedAt).toBeLessThanOrEqual(700);
    expect(start.latencyMs).toBeCloseTo(20, 6);
    expect(start.emittedAt - start.decidedAt).toBeCloseTo(20, 6);
    expect(end.durationMs).toBe(start.decidedAt - start.startedAt);
  });

  it('gives no swipe for a still hand, however jittery', () => {
    const still: Step[] = Array.from({ length: 300 }, () => ({ centre: [0.5, 0.5] as [number, number] }));
    for (const seed of [1, 2, 3]) expect(run(still, { jitter: 0.15, seed })).toEqual([]);
  });

  it('gives no swipe for slow drift, a short twitch, or a diagonal wave', () => {
    // Across the picture, but over 3 s.
    expect(run(move([0.2, 0.5], [0.8, 0.5], 90, 5))).toEqual([]);
    // Fast but less than two palm sizes.
    expect(run(move([0.5, 0.5], [0.42, 0.5], 3, 10))).toEqual([]);
    // Fast and far, but as much down as sideways.
    expect(run(move([0.25, 0.25], [0.7, 0.7], 8, 10))).toEqual([]);
  });

  it('a hand coming towards the camera is not a swipe', () => {
    const closer: Step[] = Array.from({ length: 20 }, (_, i) => ({ centre: [0.5, 0.5] as [number, number], size: 0.1 + i * 0.02 }));
    expect(run(closer)).toEqual([]);
  });

  it('the hand coming back after a swipe is not a swipe the other way', () => {
    const there = move([0.75, 0.5], [0.25, 0.5], 8, 3);
    const back = move([0.25, 0.5], [0.75, 0.5], 8, 3);
    expect(starts(run([...there, ...back]))).toEqual(['swipe_left']);
    // After a pause, the other way counts again.
    const pause = Array.from({ length: 30 }, () => ({ centre: [0.25, 0.5] as [number, number] }));
    expect(starts(run([...there, ...pause, ...back]))).toEqual(['swipe_left', 'swipe_right']);
  });

  it('motion does not continue across frames without a hand', () => {
    const first = move([0.75, 0.5], [0.55, 0.5], 4);
    const gap: Step[] = [{ centre: [0.5, 0.5], gone: true }, { centre: [0.5, 0.5], gone: true }];
    const second = move([0.45, 0.5], [0.3, 0.5], 3, 5);
    expect(run([...first, ...gap, ...second])).toEqual([]);
  });

  it('mirrored cameras swap left and right to the user\'s own', () => {
    expect(starts(run(move([0.75, 0.5], [0.25, 0.5], 9, 10), { mirrored: true }))).toEqual(['swipe_right']);
    expect(starts(run(move([0.5, 0.8], [0.5, 0.25], 9, 10), { mirrored: true }))).toEqual(['swipe_up']);
  });
});
