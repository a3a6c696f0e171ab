import type { ClassifiedHand, DetectorMode, GestureEvent, Handedness, HandsObservation, ObservedHand } from '../../../server/protocol/gestureEvents.ts';
import { classifyHandPose, DEFAULT_MIN_CONFIDENCE, DEFAULT_MIN_MARGIN } from './classifyHandPose.ts';
import { GestureHysteresis, type HysteresisOptions, type HysteresisTransition } from './GestureHysteresis.ts';
import { palmCentre, palmSize, planePoints } from './handGeometry.ts';
import { SwipeDetector, type SwipeOptions } from './SwipeDetector.ts';

export interface RecognizerOptions {
  /** Pipeline source id (`room:demo/cam-1`) and its room, copied into every event. */
  source: string;
  room: string | undefined;
  hold?: Partial<HysteresisOptions>;
  swipe?: Partial<SwipeOptions>;
  /** Classifier thresholds (see classifyHandPose). */
  minPoseConfidence?: number;
  minPoseMargin?: number;
  /** Epoch ms "now" (tests pass a fake clock). */
  now?: () => number;
}

/** One frame's hands, from the server's detector or a capture page's MediaPipe. */
export interface HandsFrame {
  captureTs: number;
  width: number;
  height: number;
  mode: DetectorMode;
  inferenceMs: number;
  hands: ObservedHand[];
}

export interface Recognition {
  events: GestureEvent[];
  observation: HandsObservation;
}

interface HandSlot {
  hysteresis: GestureHysteresis;
  swipes: SwipeDetector;
}

/**
 * Everything between "hands in a frame" and "gesture started/ended" for one source: the same code runs
 * for the server's detector and for landmarks sent by a browser. Hands are told apart by handedness
 * (two hands of the same reported side: the surer one counts).
 */
export class GestureRecognizer {
  private readonly slots = new Map<Handedness, HandSlot>();
  private readonly now: () => number;

  constructor(private readonly options: RecognizerOptions) {
    this.now = options.now ?? Date.now;
  }

  private slot(hand: Handedness): HandSlot {
    let slot = this.slots.get(hand);
    if (!slot) {
      slot = { hysteresis: new GestureHysteresis(this.options.hold), swipes: new SwipeDetector(this.options.swipe) };
      this.slots.set(hand, slot);
    }
    return slot;
  }

  observe(frame: HandsFrame): Recognition {
    const aspect = frame.width / frame.height;
    const t = frame.captureTs;
    const events: GestureEvent[] = [];
    const classified: ClassifiedHand[] = [];
    const byHand = new Map<Handedness, ObservedHand>();
    for (const hand of frame.hands) {
      const existing = byHand.get(hand.handedness);
      if (!existing || hand.score > existing.score) byHand.set(hand.handedness, hand);
    }

    for (const [handedness, hand] of byHand) {
      const pose = classifyHandPose(hand.landmarks, {
        aspect,
        minConfidence: this.options.minPoseConfidence ?? DEFAULT_MIN_CONFIDENCE,
        minMargin: this.options.minPoseMargin ?? DEFAULT_MIN_MARGIN,
      });
      classified.push({ ...hand, pose: pose.label, poseConfidence: pose.confidence });
      const slot = this.slot(handedness);
      const points = planePoints(hand.landmarks, aspect);
      const swipe = slot.swipes.add(t, palmCentre(points), palmSize(points));
      for (const transition of slot.hysteresis.observe(t, pose.label, pose.confidence)) events.push(this.event(transition, handedness));
      if (swipe) {
        // A swipe is a moment, not a held pose: it starts and ends on the frame that completes it.
        const base = { source: this.options.source, room: this.options.room, label: swipe.label, hand: handedness, confidence: 1, startedAt: swipe.startedAt, decidedAt: t };
        const emittedAt = this.now();
        const latencyMs = Math.max(0, emittedAt - t);
        events.push({ ...base, phase: 'start', emittedAt, latencyMs });
        events.push({ ...base, phase: 'end', emittedAt, latencyMs, durationMs: t - swipe.startedAt });
      }
    }
    // Hands not in this frame: "no pose" for their hysteresis, and their motion history ends.
    for (const [handedness, slot] of this.slots) {
      if (byHand.has(handedness)) continue;
      slot.swipes.reset();
      for (const transition of slot.hysteresis.observe(t, null, 0)) events.push(this.event(transition, handedness));
    }

    const active: HandsObservation['active'] = [];
    for (const [hand, slot] of this.slots) {
      const current = slot.hysteresis.current;
      if (current) active.push({ hand, label: current.label, confidence: current.confidence, since: current.since });
    }
    return {
      events,
      observation: {
        source: this.options.source,
        room: this.options.room,
        captureTs: t,
        width: frame.width,
        height: frame.height,
        mode: frame.mode,
        inferenceMs: frame.inferenceMs,
        hands: classified,
        active,
      },
    };
  }

  /** End every active gesture (the stream stopped). */
  releaseAll(t: number): GestureEvent[] {
    const events: GestureEvent[] = [];
    for (const [hand, slot] of this.slots) for (const transition of slot.hysteresis.release(t)) events.push(this.event(transition, hand));
    return events;
  }

  private event(transition: HysteresisTransition, hand: Handedness): GestureEvent {
    const emittedAt = this.now();
    return {
      phase: transition.phase,
      source: this.options.source,
      room: this.options.room,
      label: transition.label,
      hand,
      confidence: transition.confidence,
      startedAt: transition.startedAt,
      decidedAt: transition.decidedAt,
      emittedAt,
      latencyMs: Math.max(0, emittedAt - transition.decidedAt),
      ...(transition.phase === 'end' ? { durationMs: transition.lastSeenAt - transition.startedAt } : {}),
    };
  }
}
