import { FINGER_JOINTS, WRIST, angleBetween, distance, knuckleCentre, length, palmSize, ramp, sub, type Finger, type Vec2 } from './handGeometry.ts';

/** How extended each finger is, 0 (folded) .. 1 (straight out), plus the measurements behind it. */
export interface FingerReading {
  extension: Record<Finger, number>;
  /** Per finger: degrees between the palm's direction (wrist -> finger base) and the finger (base -> tip). */
  bendDegrees: Record<Finger, number>;
  /** Thumb tip's distance from the nearest index/middle/ring base or middle joint, in palm sizes. */
  thumbClearance: number;
  /** Thumb tip to index tip, in palm sizes. */
  pinchGap: number;
  palmSize: number;
}

/**
 * Bend limits (degrees between palm direction and finger): a finger is fully extended up to the first
 * value and fully folded from the second. Measured on MediaPipe's ground-truth landmark sets and on the
 * server detector's landmarks of the fingerpose photos: extended fingers read 0-27 degrees, folded ones
 * 65-180 (a fist seen from the thumb side reads ~90: its fingers point sideways, not back).
 */
const FINGER_BEND = { extended: 30, folded: 55 };
/**
 * Base-to-tip length in palm sizes: straight fingers read 0.9-1.05 on both the ground-truth sets and the
 * detector's photos, fingers folded towards the camera 0.1-0.45. The little finger is shorter.
 */
const FINGER_REACH = { folded: 0.45, extended: 0.7 };
const PINKY_REACH = { folded: 0.35, extended: 0.55 };
/** The thumb measured from the wrist through its base joint; it folds across the palm less far. */
const THUMB_BEND = { extended: 35, folded: 55 };
/** A thumb tip this far (palm sizes) from the nearest finger base/joint is out; this near, tucked in. */
const THUMB_CLEARANCE = { tucked: 0.3, out: 0.55 };

/**
 * Only angles and ratios of distances in the image plane: the reading is the same however the hand is
 * turned in the image (and whatever its size).
 */
export function readFingers(points: readonly Vec2[]): FingerReading {
  const size = palmSize(points) || 1;
  const wrist = points[WRIST]!;
  const extension = {} as Record<Finger, number>;
  const bendDegrees = {} as Record<Finger, number>;
  const palmAxis = sub(knuckleCentre(points), wrist);
  for (const finger of Object.keys(FINGER_JOINTS) as Finger[]) {
    const [base, , , tip] = FINGER_JOINTS[finger];
    const direction = sub(points[tip]!, points[base]!);
    const ownBase = angleBetween(sub(points[base]!, wrist), direction);
    // Seen from the side, a finger base can sit right next to the wrist in the picture, and the
    // direction between them is noise: the palm's axis (wrist -> middle of the knuckles) is steady.
    // A finger is as folded as the stronger of the two readings says.
    const bend = finger === 'thumb' ? ownBase : Math.max(ownBase, angleBetween(palmAxis, direction));
    bendDegrees[finger] = bend;
    const limits = finger === 'thumb' ? THUMB_BEND : FINGER_BEND;
    extension[finger] = ramp(bend, limits.folded, limits.extended);
    if (finger !== 'thumb') {
      // Facing the camera, a finger curling towards it keeps its direction in the picture but gets
      // shorter: a finger is no more extended than its length (base to tip, in palm sizes) says.
      const reach = finger === 'pinky' ? PINKY_REACH : FINGER_REACH;
      extension[finger] = Math.min(extension[finger], ramp(length(direction) / size, reach.folded, reach.extended));
    }
  }
  const thumbTip = points[4]!;
  const thumbClearance = Math.min(...[5, 6, 9, 10, 13].map((i) => distance(thumbTip, points[i]!))) / size;
  // The thumb's bend alone cannot tell "tucked across the fingers" from "out to the side": the tip's
  // clearance from the fingers can, so it carries more weight.
  extension.thumb = 0.4 * extension.thumb + 0.6 * ramp(thumbClearance, THUMB_CLEARANCE.tucked, THUMB_CLEARANCE.out);
  return { extension, bendDegrees, thumbClearance, pinchGap: distance(thumbTip, points[8]!) / size, palmSize: size };
}
