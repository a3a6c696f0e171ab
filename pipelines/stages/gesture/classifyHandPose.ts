import type { HandLandmarks, HandPose } from '../../../server/protocol/gestureEvents.ts';
import { readFingers, type FingerReading } from './fingerExtension.ts';
import { LANDMARK_COUNT, planePoints, ramp, sub, type Finger, type Vec2 } from './handGeometry.ts';

export interface PoseClassification {
  /** Null when no pose matches well enough (or clearly enough over the runner-up). */
  label: HandPose | null;
  /** How well the best pose matches, 0..1 (reported even when the label is null). */
  confidence: number;
  /** Every pose's match score, best first (for the UI and for tuning). */
  scores: Array<{ pose: HandPose; score: number }>;
  reading: FingerReading;
}

export interface ClassifyOptions {
  /** Image width / height: normalized x is scaled by it so angles are true angles (default 1). */
  aspect?: number;
  /** Below this best score the label is null. */
  minConfidence?: number;
  /** The best pose must beat the runner-up by this much, else null (ambiguous hands flicker). */
  minMargin?: number;
}

export const DEFAULT_MIN_CONFIDENCE = 0.7;
export const DEFAULT_MIN_MARGIN = 0.08;

type Want = 1 | 0;
/** Which fingers each pose has out (1) or folded (0), with how much each finger counts. */
const TEMPLATES: Record<Exclude<HandPose, 'pinch' | 'thumbs_down'>, { fingers: Record<Finger, Want>; weights?: Partial<Record<Finger, number>> }> = {
  open_palm: { fingers: { thumb: 1, index: 1, middle: 1, ring: 1, pinky: 1 } },
  fist: { fingers: { thumb: 0, index: 0, middle: 0, ring: 0, pinky: 0 } },
  // thumbs_down is the same hand shape; the thumb's direction picks which (see below).
  thumbs_up: { fingers: { thumb: 1, index: 0, middle: 0, ring: 0, pinky: 0 } },
  // A victory or pointing hand may hold its thumb half out, or wrapped where it reads as out.
  victory: { fingers: { thumb: 0, index: 1, middle: 1, ring: 0, pinky: 0 }, weights: { thumb: 0.3 } },
  pointing_up: { fingers: { thumb: 0, index: 1, middle: 0, ring: 0, pinky: 0 }, weights: { thumb: 0.3 } },
  // The little finger is what makes it "I love you" rather than pointing: it counts fully here.
  i_love_you: { fingers: { thumb: 1, index: 1, middle: 0, ring: 0, pinky: 1 }, weights: { pinky: 1 / 0.6 } },
};

/**
 * The ring and little finger hide behind the others when the hand is seen from the side, so the
 * detector's reading of them is the least reliable: they count less.
 */
const FINGER_WEIGHTS: Record<Finger, number> = { thumb: 1, index: 1, middle: 1, ring: 0.8, pinky: 0.6 };

/** Thumb tip this close to the index tip (palm sizes) is a pinch; this far, not. */
const PINCH_GAP = { touching: 0.18, apart: 0.35 };

function templateScore(reading: FingerReading, template: (typeof TEMPLATES)[keyof typeof TEMPLATES]): number {
  let total = 0;
  let weights = 0;
  for (const finger of Object.keys(template.fingers) as Finger[]) {
    const weight = FINGER_WEIGHTS[finger] * (template.weights?.[finger] ?? 1);
    const extension = reading.extension[finger];
    total += weight * (template.fingers[finger] ? extension : 1 - extension);
    weights += weight;
  }
  return total / weights;
}

/**
 * A pinch is thumb tip on index tip. In a fist the thumb can rest on the folded index too, so the index
 * must not be folded flat into the palm.
 */
function pinchScore(reading: FingerReading): number {
  const touching = ramp(reading.pinchGap, PINCH_GAP.apart, PINCH_GAP.touching);
  const indexReaching = ramp(reading.bendDegrees.index, 150, 115);
  return touching * indexReaching;
}

/** Thumbs up or down: which way the thumb (base joint -> tip) points in the image. */
function thumbPointsUp(points: readonly Vec2[]): boolean {
  return sub(points[4]!, points[2]!)[1] <= 0;
}

/**
 * Read a static pose from 21 MediaPipe-order landmarks. Rotation-invariant: every measurement is an
 * angle or a ratio of distances in the image plane, so turning the hand in the image changes nothing,
 * except thumbs up vs down, which is by definition which way the thumb points (up = its tip above its
 * base in the image).
 */
export function classifyHandPose(landmarks: HandLandmarks, options: ClassifyOptions = {}): PoseClassification {
  if (landmarks.length !== LANDMARK_COUNT) throw new Error(`expected ${LANDMARK_COUNT} landmarks, got ${landmarks.length}`);
  const points = planePoints(landmarks, options.aspect ?? 1);
  const reading = readFingers(points);
  const thumbs = thumbPointsUp(points) ? 'thumbs_up' : 'thumbs_down';
  const scores: Array<{ pose: HandPose; score: number }> = [];
  for (const [pose, template] of Object.entries(TEMPLATES) as Array<[keyof typeof TEMPLATES, (typeof TEMPLATES)[keyof typeof TEMPLATES]]>) {
    scores.push({ pose: pose === 'thumbs_up' ? thumbs : pose, score: round(templateScore(reading, template)) });
  }
  scores.push({ pose: 'pinch', score: round(pinchScore(reading)) });
  scores.sort((a, b) => b.score - a.score);
  const [best, second] = scores as [(typeof scores)[0], (typeof scores)[0]];
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const minMargin = options.minMargin ?? DEFAULT_MIN_MARGIN;
  const clear = best.score >= minConfidence && best.score - second.score >= minMargin;
  return { label: clear ? best.pose : null, confidence: best.score, scores, reading };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
