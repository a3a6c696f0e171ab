import type { ObservedHand } from '../../../server/protocol/gestureEvents.ts';

/** Messages between HandDetector (the caller's thread) and the worker_thread running Human. */

export interface HandDetectorSettings {
  /** Hands to look for (1 tracks cheaply; with 2 the detector reruns while fewer than 2 are tracked). */
  maxHands: number;
  /** Detector box and landmark presence threshold. 0.5 keeps a "ghost" hand after the real one left; 0.6 does not. */
  minConfidence: number;
  /**
   * Sizes to search at while no hand is tracked, as fractions of the padded frame the picture fills
   * (1 = as is). The detector misses hands that fill much of the picture (close-ups); searching at 0.5
   * too (the picture centred in a frame twice its size) finds them. Video cycles through these, one per
   * frame; stills try each until a hand is found.
   */
  searchScales: number[];
  /**
   * Video: when a tracked hand is lost, look again only where it was (landmark model, ~30 ms) for this
   * many frames or this long (capture time), whichever lasts longer, before searching the whole frame
   * (detector, ~150-250 ms). A hand that flickers out is kept without a search, and a consumer that
   * waits a while before believing the hand gone (gesture release) decides on a cheap frame.
   * 0 and 0: search from the very next frame.
   */
  lostHandRecheck: { frames: number; ms: number };
}

export interface DetectRequest {
  type: 'detect';
  id: number;
  width: number;
  height: number;
  /** width * height * 3 bytes of RGB (transferred, not copied). */
  rgb: Uint8Array;
  /** `video`: frames of one stream, so a found hand is tracked (landmarks only) in the next frames. `still`: unrelated images, always searched. */
  kind: 'video' | 'still';
  /** Video: the frame's capture time (ms), for lostHandRecheck.ms; without it, the worker's clock. */
  captureTs?: number | undefined;
}

export interface InitRequest {
  type: 'init';
  settings: HandDetectorSettings;
  /** Folder with handtrack.json/.bin and handlandmark-lite.json/.bin. */
  modelDir: string;
  /** Folder with tfjs-backend-wasm's .wasm files. */
  wasmDir: string;
}

export type HandDetectorRequest = InitRequest | DetectRequest;

export interface Detection {
  hands: ObservedHand[];
  /**
   * Whether this frame ran the hand detector (searching) or only the landmark model where hands were
   * (tracking; also while re-checking the place of a hand just lost).
   */
  mode: 'searching' | 'tracking';
  /** The scale the hands were searched/tracked at (see searchScales). */
  scale: number;
  /** Time in the worker from receiving the frame to the result. */
  inferenceMs: number;
  /** Live tensors in the worker after the frame (flat over time, or something leaks). */
  tensors: number;
}

export type HandDetectorReply =
  | { type: 'ready'; backend: string; loadMs: number }
  | { type: 'result'; id: number; detection: Detection }
  | { type: 'error'; id: number | null; message: string };
