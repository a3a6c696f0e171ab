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
  /** Whether this frame ran the hand detector (searching) or only the landmark model on tracked hands. */
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
