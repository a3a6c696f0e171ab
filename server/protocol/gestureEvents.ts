/**
 * Hand gestures: labels, the events the gesture stage concludes, and the `/gestures` socket.io namespace
 * (the Gestures page watches sources; a capture page in browser mode sends landmarks). Types and plain
 * constants only, so browser code imports this file directly.
 */

/** Socket.io namespace for gestures (operator and admin tokens). */
export const GESTURE_NAMESPACE = '/gestures';

/** Static hand poses, read from one frame's 21 landmarks. */
export const HAND_POSES = ['open_palm', 'fist', 'thumbs_up', 'thumbs_down', 'victory', 'pointing_up', 'i_love_you', 'pinch'] as const;
/** Palm motion across frames, in image directions (as the camera sees it; see the stage's `mirrored`). */
export const SWIPES = ['swipe_left', 'swipe_right', 'swipe_up', 'swipe_down'] as const;
/** Every label the stage, the CLI and rules use. */
export const GESTURE_LABELS = [...HAND_POSES, ...SWIPES] as const;

export type HandPose = (typeof HAND_POSES)[number];
export type Swipe = (typeof SWIPES)[number];
export type GestureLabel = (typeof GESTURE_LABELS)[number];

export function isSwipe(label: GestureLabel): label is Swipe {
  return (SWIPES as readonly string[]).includes(label);
}

/** MediaPipe's convention: the label assumes a mirrored (selfie) image. */
export type Handedness = 'Left' | 'Right';

/** One landmark: x, y normalized to the image width and height (0..1); z is depth relative to the wrist, in x's scale. */
export type Landmark = [x: number, y: number, z: number];

/** 21 landmarks in MediaPipe order: 0 wrist, 1-4 thumb, 5-8 index, 9-12 middle, 13-16 ring, 17-20 pinky. */
export type HandLandmarks = Landmark[];

/** What the detector (server) or MediaPipe (browser) found in one frame, per hand. */
export interface ObservedHand {
  landmarks: HandLandmarks;
  handedness: Handedness;
  /** How sure the model is of `handedness`, 0.5..1. */
  handednessScore: number;
  /** The landmark model's hand presence score, 0..1. */
  score: number;
}

/** A hand as the classifier read it in one frame. */
export interface ClassifiedHand extends ObservedHand {
  /** The pose in this frame (before hysteresis), or null when no pose matches well enough. */
  pose: HandPose | null;
  poseConfidence: number;
}

/** Whether the server ran the hand detector (searching) or only the landmark model on a tracked hand. */
export type DetectorMode = 'searching' | 'tracking' | 'browser';

/** One processed frame of a source, for live display (not durable, throttled per watcher). */
export interface HandsObservation {
  /** Pipeline source id, e.g. `room:demo/cam-1`. */
  source: string;
  room: string | undefined;
  captureTs: number;
  width: number;
  height: number;
  mode: DetectorMode;
  /** Time spent finding landmarks for this frame (server: in the worker; browser: as reported). */
  inferenceMs: number;
  hands: ClassifiedHand[];
  /** Labels currently started (after hysteresis), per hand. */
  active: Array<{ hand: Handedness; label: GestureLabel; confidence: number; since: number }>;
}

/** The payload of a `gesture_start` / `gesture_end` event frame, bus event and socket event. */
export interface GestureEvent {
  phase: 'start' | 'end';
  source: string;
  room: string | undefined;
  label: GestureLabel;
  hand: Handedness;
  /** Classifier confidence (start: mean over the frames that confirmed it; end: at the last frame it held). */
  confidence: number;
  /** Capture time of the first frame that showed the gesture. */
  startedAt: number;
  /** Capture time of the frame that decided this event (the confirming frame, or the first frame without it). */
  decidedAt: number;
  /** Epoch ms when the event was emitted. */
  emittedAt: number;
  /** emittedAt - decidedAt: capture of the deciding frame to the event. */
  latencyMs: number;
  /** end only: how long the gesture was held (decidedAt - startedAt). */
  durationMs?: number | undefined;
}

/** Event frame types the gesture stage emits (and consumes, in browser mode). */
export const GESTURE_FRAME_TYPES = {
  start: 'gesture_start',
  end: 'gesture_end',
  /** Browser mode input: landmarks the capture page found. */
  landmarks: 'hand_landmarks',
} as const;

/** Sent by a capture page running @mediapipe/hands (browser mode), at most every frame. */
export interface BrowserLandmarks {
  room: string;
  /** The capture page's track label, e.g. `cam-1` (the source is `room:<room>/<label>`). */
  label: string;
  /** The browser's Date.now() when the video frame was captured. */
  captureTs: number;
  width: number;
  height: number;
  inferenceMs: number;
  hands: ObservedHand[];
}

/** A rule as the API and the Gestures page show it. */
export interface GestureRuleView {
  index: number;
  gesture: GestureLabel;
  hand: 'any' | Handedness;
  minHoldMs: number;
  cooldownMs: number;
  room?: string | undefined;
  actions: Array<{ type: string; [param: string]: unknown }>;
  /** Epoch ms of the last time it fired (this process), or null. */
  lastFiredAt: number | null;
}

/** Live JPEG of a watched source, with what was seen in that frame (its landmarks line up exactly). */
export interface GestureSnapshot {
  source: string;
  captureTs: number;
  width: number;
  height: number;
  jpeg: ArrayBuffer;
  /** Server mode: this very frame's hands. Browser mode: the page's latest landmarks at the time. */
  observation: HandsObservation | null;
}

export type GestureAck<T = undefined> = ({ ok: true } & (T extends undefined ? unknown : { result: T })) | { ok: false; error: string };

export interface GestureServerToClientEvents {
  /** Sources with a gesture stage right now (sent on connect and on change). */
  'gesture:sources': (sources: Array<{ source: string; room: string | undefined; mode: 'server' | 'browser' }>) => void;
  'gesture:hands': (observation: HandsObservation) => void;
  'gesture:snapshot': (snapshot: GestureSnapshot) => void;
  'gesture:event': (event: GestureEvent) => void;
  'gesture:rules': (rules: GestureRuleView[]) => void;
  /** A rule fired (or failed to). */
  'gesture:fired': (fired: { rule: number; event: GestureEvent; ok: boolean; error?: string | undefined }) => void;
}

export interface GestureClientToServerEvents {
  /** Watch live observations of one source (or stop with `source: null`); snapshots at most `snapshotFps`. */
  'gesture:watch': (request: { source: string | null; snapshotFps?: number }, ack: (result: GestureAck) => void) => void;
  /** Browser mode: landmarks found by the capture page. Volatile; no ack. */
  'gesture:landmarks': (landmarks: BrowserLandmarks) => void;
}
