import type { HandLandmarks, Landmark } from '../../../server/protocol/gestureEvents.ts';

/**
 * Synthetic hands for the poses the real test sets lack (open palm, I-love-you, pinch): a small
 * kinematic model of a hand with the palm towards the camera, fingers up. Each finger bends at its three
 * joints towards the camera (MediaPipe z: smaller is nearer); the picture is the orthographic projection.
 * Units: palm length 1 (wrist to middle finger base).
 */

type Vec3 = [number, number, number];
export type FingerName = 'index' | 'middle' | 'ring' | 'pinky';

const BASES: Record<FingerName, { base: Vec3; splayDeg: number; bones: [number, number, number] }> = {
  index: { base: [-0.26, -0.94, 0], splayDeg: -8, bones: [0.42, 0.25, 0.2] },
  middle: { base: [-0.05, -1.0, 0], splayDeg: 0, bones: [0.46, 0.28, 0.21] },
  ring: { base: [0.15, -0.95, 0], splayDeg: 7, bones: [0.43, 0.26, 0.2] },
  pinky: { base: [0.33, -0.83, 0], splayDeg: 15, bones: [0.34, 0.2, 0.18] },
};

/** Joint flexion in degrees (knuckle, middle joint, end joint). */
export type Flex = [number, number, number];
export const STRAIGHT: Flex = [0, 0, 0];
export const FOLDED: Flex = [88, 105, 65];

const rad = (deg: number) => (deg * Math.PI) / 180;

function fingerPoints(name: FingerName, flex: Flex): Vec3[] {
  const { base, splayDeg, bones } = BASES[name];
  // In-plane direction (fingers up: -y), tilted sideways by the splay.
  const inPlane: [number, number] = [Math.sin(rad(splayDeg)), -Math.cos(rad(splayDeg))];
  const points: Vec3[] = [base];
  let pitch = 0; // cumulative flexion: 0 = along the palm, 90 = pointing at the camera
  let current = base;
  for (let i = 0; i < 3; i++) {
    pitch += flex[i]!;
    const along = Math.cos(rad(pitch));
    const toCamera = Math.sin(rad(pitch));
    const next: Vec3 = [current[0] + bones[i]! * along * inPlane[0], current[1] + bones[i]! * along * inPlane[1], current[2] - bones[i]! * toCamera];
    points.push(next);
    current = next;
  }
  return points;
}

/** Thumb positions (CMC, MCP, IP, tip) for its two usual states. */
const THUMB_OUT: Vec3[] = [[-0.3, -0.22, -0.02], [-0.55, -0.42, -0.05], [-0.76, -0.6, -0.07], [-0.93, -0.75, -0.08]];
const THUMB_TUCKED: Vec3[] = [[-0.3, -0.22, -0.02], [-0.38, -0.48, -0.12], [-0.2, -0.66, -0.22], [0.02, -0.72, -0.28]];

export interface HandShape {
  fingers: Record<FingerName, Flex>;
  thumb: 'out' | 'tucked' | 'to-index-tip';
}

export const SHAPES = {
  open_palm: { fingers: { index: STRAIGHT, middle: STRAIGHT, ring: STRAIGHT, pinky: STRAIGHT }, thumb: 'out' },
  fist: { fingers: { index: FOLDED, middle: FOLDED, ring: FOLDED, pinky: FOLDED }, thumb: 'tucked' },
  victory: { fingers: { index: STRAIGHT, middle: STRAIGHT, ring: FOLDED, pinky: FOLDED }, thumb: 'tucked' },
  pointing_up: { fingers: { index: STRAIGHT, middle: FOLDED, ring: FOLDED, pinky: FOLDED }, thumb: 'tucked' },
  i_love_you: { fingers: { index: STRAIGHT, middle: FOLDED, ring: FOLDED, pinky: STRAIGHT }, thumb: 'out' },
  // The "OK" pinch: index bent to meet the thumb, the other fingers up.
  pinch: { fingers: { index: [35, 55, 30], middle: STRAIGHT, ring: STRAIGHT, pinky: STRAIGHT }, thumb: 'to-index-tip' },
} satisfies Record<string, HandShape>;

export type SyntheticPose = keyof typeof SHAPES;

/** The hand's 21 landmarks in palm units, wrist at the origin. */
export function handModel(shape: HandShape): Vec3[] {
  const fingers = (['index', 'middle', 'ring', 'pinky'] as const).map((name) => fingerPoints(name, shape.fingers[name]));
  let thumb = shape.thumb === 'out' ? THUMB_OUT : THUMB_TUCKED;
  if (shape.thumb === 'to-index-tip') {
    // A thumb reaching for the index tip: joints spaced along the way from its base, tip just touching.
    const cmc = THUMB_OUT[0]!;
    const target = fingers[0]![3]!;
    const at = (t: number, bulge: number): Vec3 => [cmc[0] + (target[0] - cmc[0]) * t - bulge, cmc[1] + (target[1] - cmc[1]) * t, cmc[2] + (target[2] - cmc[2]) * t];
    thumb = [cmc, at(0.38, 0.12), at(0.7, 0.08), at(0.97, 0)];
  }
  return [[0, 0, 0], ...thumb, ...fingers.flat()];
}

/** A seeded PRNG (mulberry32), so "random" test hands are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Placement {
  /** Degrees, clockwise in the picture. */
  rotationDeg: number;
  /** Palm length as a fraction of the image height. */
  size: number;
  /** Palm centre, normalized. */
  centre: [number, number];
  /** Image width / height (x is normalized to the width). */
  aspect?: number;
  /** Gaussian-ish jitter per coordinate, in palm lengths. */
  jitter?: number;
  random?: () => number;
}

/** Place model points in a picture: rotate, scale, move, normalize like MediaPipe. */
export function placeHand(model: Vec3[], placement: Placement): HandLandmarks {
  const aspect = placement.aspect ?? 1;
  const random = placement.random ?? Math.random;
  const noise = () => (placement.jitter ? (random() + random() + random() - 1.5) * placement.jitter * 1.4 : 0);
  const cos = Math.cos(rad(placement.rotationDeg));
  const sin = Math.sin(rad(placement.rotationDeg));
  // Rotate about the palm's middle so the hand stays in the picture.
  const pivot: Vec3 = [0, -0.5, 0];
  return model.map(([x0, y0, z0]): Landmark => {
    const x = x0 - pivot[0] + noise();
    const y = y0 - pivot[1] + noise();
    const xr = x * cos - y * sin;
    const yr = x * sin + y * cos;
    return [placement.centre[0] + (xr * placement.size) / aspect, placement.centre[1] + yr * placement.size, (z0 + noise()) * placement.size];
  });
}

/** Rotate normalized landmarks about their palm centre in a picture of the given aspect (for the real sets). */
export function rotateLandmarks(landmarks: HandLandmarks, degrees: number, aspect = 1): HandLandmarks {
  const ids = [0, 5, 9, 13, 17];
  const cx = ids.reduce((s, i) => s + landmarks[i]![0], 0) / ids.length;
  const cy = ids.reduce((s, i) => s + landmarks[i]![1], 0) / ids.length;
  const cos = Math.cos(rad(degrees));
  const sin = Math.sin(rad(degrees));
  return landmarks.map(([x, y, z]): Landmark => {
    const dx = (x - cx) * aspect;
    const dy = y - cy;
    return [cx + (dx * cos - dy * sin) / aspect, cy + dx * sin + dy * cos, z];
  });
}
