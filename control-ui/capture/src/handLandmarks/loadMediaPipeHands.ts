import { VERSION_PATH } from './mediapipeHandsVersion.ts';

/** The parts of @mediapipe/hands' `Hands` this page uses (its own .d.ts describes the full API). */
export interface MediaPipeHandsResults {
  multiHandLandmarks?: Array<Array<{ x: number; y: number; z: number }>>;
  multiHandedness?: Array<{ index: number; score: number; label: 'Left' | 'Right' }>;
}

export interface MediaPipeHands {
  setOptions(options: { maxNumHands?: number; modelComplexity?: 0 | 1; minDetectionConfidence?: number; minTrackingConfidence?: number; selfieMode?: boolean }): void;
  onResults(listener: (results: MediaPipeHandsResults) => void): void;
  initialize(): Promise<void>;
  send(inputs: { image: HTMLVideoElement | HTMLCanvasElement | HTMLImageElement }): Promise<void>;
  close(): Promise<void>;
}

type HandsConstructor = new (config: { locateFile: (file: string) => string }) => MediaPipeHands;

/** Roomcast serves the package's files from node_modules here (server/gestures/mediapipeHandsAssets.ts). */
export const MEDIAPIPE_HANDS_BASE = `/vendor/mediapipe-hands/${VERSION_PATH}/`;

let loading: Promise<HandsConstructor> | undefined;

/**
 * Load @mediapipe/hands from this Roomcast (never a CDN): its script defines `window.Hands`, and the
 * wasm, graph and models it fetches come from the same folder.
 */
export function loadMediaPipeHands(): Promise<HandsConstructor> {
  loading ??= new Promise<HandsConstructor>((resolve, reject) => {
    const existing = (window as unknown as { Hands?: HandsConstructor }).Hands;
    if (existing) return resolve(existing);
    const script = document.createElement('script');
    script.src = `${MEDIAPIPE_HANDS_BASE}hands.js`;
    script.onload = () => {
      const Hands = (window as unknown as { Hands?: HandsConstructor }).Hands;
      if (Hands) resolve(Hands);
      else reject(new Error('MediaPipe Hands loaded but defined no Hands'));
    };
    script.onerror = () => reject(new Error(`could not load ${script.src}`));
    document.head.append(script);
  });
  loading.catch(() => (loading = undefined));
  return loading;
}

/** A Hands instance whose files come from Roomcast. */
export async function createMediaPipeHands(): Promise<MediaPipeHands> {
  const Hands = await loadMediaPipeHands();
  return new Hands({ locateFile: (file) => `${MEDIAPIPE_HANDS_BASE}${file}` });
}
