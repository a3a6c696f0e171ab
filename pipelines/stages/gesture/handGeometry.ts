import type { HandLandmarks } from '../../../server/protocol/gestureEvents.ts';

/** MediaPipe's 21 hand landmarks. */
export const LANDMARK_COUNT = 21;
export const WRIST = 0;

/** Joints of each finger from the base outwards: thumb CMC, MCP, IP, tip; others MCP, PIP, DIP, tip. */
export const FINGER_JOINTS = {
  thumb: [1, 2, 3, 4],
  index: [5, 6, 7, 8],
  middle: [9, 10, 11, 12],
  ring: [13, 14, 15, 16],
  pinky: [17, 18, 19, 20],
} as const satisfies Record<string, readonly [number, number, number, number]>;

export type Finger = keyof typeof FINGER_JOINTS;
export const FINGERS = Object.keys(FINGER_JOINTS) as Finger[];

/** Bones drawn by the UI and the test plots (pairs of landmark indices). */
export const HAND_BONES: ReadonlyArray<readonly [number, number]> = [
  [0, 1], [1, 2], [2, 3], [3, 4],
  [0, 5], [5, 6], [6, 7], [7, 8],
  [5, 9], [9, 10], [10, 11], [11, 12],
  [9, 13], [13, 14], [14, 15], [15, 16],
  [13, 17], [17, 18], [18, 19], [19, 20], [0, 17],
];

export type Vec2 = readonly [number, number];

/**
 * The landmarks as points in the image plane with equal units on both axes (normalized x is scaled by
 * the image's width/height), so that distances and angles do not change when the hand turns.
 */
export function planePoints(landmarks: HandLandmarks, aspect = 1): Vec2[] {
  return landmarks.map(([x, y]) => [x * aspect, y] as const);
}

export const sub = (a: Vec2, b: Vec2): Vec2 => [a[0] - b[0], a[1] - b[1]];
export const length = (v: Vec2): number => Math.hypot(v[0], v[1]);
export const distance = (a: Vec2, b: Vec2): number => length(sub(a, b));

/** Unsigned angle between two vectors in degrees (0 when either is zero-length). */
export function angleBetween(u: Vec2, v: Vec2): number {
  const lengths = length(u) * length(v);
  if (lengths === 0) return 0;
  const cos = (u[0] * v[0] + u[1] * v[1]) / lengths;
  return (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI;
}

/** Centre of the palm: mean of the wrist and the four finger bases (steadier than any single landmark). */
export function palmCentre(points: readonly Vec2[]): Vec2 {
  const ids = [0, 5, 9, 13, 17];
  let x = 0;
  let y = 0;
  for (const i of ids) {
    x += points[i]![0];
    y += points[i]![1];
  }
  return [x / ids.length, y / ids.length];
}

/** Middle of the four finger bases. */
export function knuckleCentre(points: readonly Vec2[]): Vec2 {
  const ids = [5, 9, 13, 17];
  return [ids.reduce((sum, i) => sum + points[i]![0], 0) / 4, ids.reduce((sum, i) => sum + points[i]![1], 0) / 4];
}

/**
 * A length scale for the hand that survives the palm turning edge-on: the mean distance from the wrist
 * to the finger bases, and across the knuckles.
 */
export function palmSize(points: readonly Vec2[]): number {
  const w = points[WRIST]!;
  const sizes = [distance(w, points[5]!), distance(w, points[9]!), distance(w, points[13]!), distance(w, points[17]!), distance(points[5]!, points[17]!)];
  return sizes.reduce((a, b) => a + b, 0) / sizes.length;
}

/** 0 at `from`, 1 at `to`, linear in between, clamped (either direction). */
export function ramp(value: number, from: number, to: number): number {
  const t = (value - from) / (to - from);
  return Math.max(0, Math.min(1, t));
}
