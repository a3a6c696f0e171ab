/**
 * Runs @vladmandic/human (tfjs WASM backend) in a worker_thread, so inference never blocks the server's
 * event loop. One worker per detector: Human keeps its tracking state (the last hand boxes) in module
 * globals, so two streams must never share one.
 *
 * Hand tracking: after a frame where every wanted hand was found, Human re-runs only the landmark model
 * on boxes derived from the last landmarks (~30 ms) instead of the detector (~150 ms); it goes back to
 * the detector as soon as a hand's landmark score drops below minConfidence.
 */
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Handedness, Landmark, ObservedHand } from '../../../server/protocol/gestureEvents.ts';
import type { Detection, DetectRequest, HandDetectorReply, HandDetectorRequest, HandDetectorSettings, InitRequest } from './handDetectorMessages.ts';

/** The small part of Human's API used here (its own .d.ts drags in tfjs's broken typings). */
interface Tensor {
  shape: number[];
  dataSync(): ArrayLike<number>;
}
interface Tf {
  tensor(values: Int32Array | Uint8Array | Float32Array, shape: number[], dtype: 'int32' | 'float32'): Tensor;
  pad(x: Tensor, paddings: Array<[number, number]>, constantValue?: number): Tensor;
  dispose(t: Tensor | Tensor[]): void;
  getBackend(): string;
  memory(): { numTensors: number };
}
interface GraphModel {
  execute(inputs: unknown, outputs?: string | string[]): Tensor | Tensor[];
}
interface HumanHand {
  score: number;
  fingerScore: number;
  keypoints: Array<[number, number, number?]>;
}
interface Human {
  tf: Tf;
  models: { models: Record<string, GraphModel | null | undefined> };
  load(): Promise<void>;
  detect(input: Tensor, config?: Record<string, unknown>): Promise<{ hand: HumanHand[]; error?: string | null }>;
}

const port = parentPort;
if (!port) throw new Error('humanWorker must run in a worker_thread');

const require = createRequire(import.meta.url);
/** The landmark model's input size and MediaPipe's z scale for it (TensorsToLandmarks normalize_z). */
const LANDMARK_INPUT = 224;
const LANDMARK_Z_SCALE = 0.4;
/** Human crops tracked hands at 1.6x their landmark box (boxExpandFact in handtrack.ts). */
const CROP_EXPAND = 1.6;
/** Grey that the detector does not mistake for anything when a frame is padded to search smaller. */
const PAD_VALUE = 114;
/** Frame differences never make Human re-detect: tracking ends only when the hand is lost. */
const ALWAYS_SKIP = 1e9;
/** Any frame difference at all makes Human re-detect (and, unlike 0, it still keeps the found boxes). */
const FORCE_DETECT = 1e-12;

let human: Human | undefined;
let settings: HandDetectorSettings;
/** Handedness of each landmark-model run of the current frame, in run order. */
let handednessRuns: number[] = [];
/** Video state: the scale hands are tracked at, and which search scale is next. */
let trackedScale: number | undefined;
let nextSearch = 0;

function reply(message: HandDetectorReply): void {
  port!.postMessage(message);
}

/**
 * Node's fetch cannot read files, and Human's default model location is a CDN. Inside this worker only,
 * answer the model URLs from the package's own folder and refuse anything else: no network, ever.
 */
function serveModelsLocally(modelDir: string): void {
  globalThis.fetch = async (input: string | URL | Request) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.host !== 'human-models.invalid') throw new Error(`the gesture worker does not use the network (asked for ${url.href})`);
    const file = path.join(modelDir, path.basename(url.pathname));
    const body = await readFile(file);
    return new Response(body, { status: 200, headers: { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
  };
}

/**
 * Human reads only the landmark model's points and presence score; the same model also says which hand
 * it is (MediaPipe's handedness output). Ask for it too, on every run of the landmark model.
 */
function captureHandedness(model: GraphModel, tf: Tf): void {
  const execute = model.execute.bind(model);
  model.execute = (inputs, outputs) => {
    if (!Array.isArray(outputs) || !outputs.includes('Identity')) return execute(inputs, outputs);
    const results = execute(inputs, [...outputs, 'Identity_2']) as Tensor[];
    const handedness = results.pop()!;
    handednessRuns.push(handedness.dataSync()[0] ?? 0.5);
    tf.dispose(handedness);
    return results;
  };
}

async function init(request: InitRequest): Promise<void> {
  const started = performance.now();
  settings = request.settings;
  serveModelsLocally(request.modelDir);
  // The package's `exports` map hides the WASM build, and `require('@vladmandic/human')` picks the
  // tfjs-node build (which needs a native libtensorflow): load it by path.
  const humanDir = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
  const { Human } = require(path.join(humanDir, 'dist/human.node-wasm.js')) as { Human: new (config: Record<string, unknown>) => Human };
  human = new Human({
    backend: 'wasm',
    wasmPath: request.wasmDir.endsWith('/') ? request.wasmDir : `${request.wasmDir}/`,
    modelBasePath: 'http://human-models.invalid/',
    warmup: 'none',
    debug: false,
    async: false,
    cacheSensitivity: ALWAYS_SKIP,
    filter: { enabled: false },
    face: { enabled: false },
    body: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    gesture: { enabled: false },
    hand: {
      enabled: true,
      maxDetected: settings.maxHands,
      minConfidence: settings.minConfidence,
      iouThreshold: 0.2,
      // Never return a cached result without running the landmark model (skipFrames 0, skipTime 0).
      skipFrames: 0,
      skipTime: 0,
      landmarks: true,
      rotation: false,
      detector: { modelPath: 'handtrack.json' },
      skeleton: { modelPath: 'handlandmark-lite.json' },
    },
  });
  await human.load();
  const skeleton = human.models.models['handskeleton'];
  if (!skeleton) throw new Error('Human loaded no hand landmark model');
  captureHandedness(skeleton, human.tf);
  await warmUp(human, skeleton);
  reply({ type: 'ready', backend: human.tf.getBackend(), loadMs: Math.round(performance.now() - started) });
}

/**
 * The first run of each model takes ~0.5-1 s more than the next (the executor prepares its plan): pay it
 * now, before the stage reports ready, not on the first frame with a hand in it.
 */
async function warmUp(h: Human, skeleton: GraphModel): Promise<void> {
  const side = 256;
  const grey = h.tf.tensor(new Int32Array(side * side * 3).fill(PAD_VALUE), [1, side, side, 3], 'int32');
  try {
    await h.detect(grey, { cacheSensitivity: 0 });
  } finally {
    h.tf.dispose(grey);
  }
  const crop = h.tf.tensor(new Float32Array(LANDMARK_INPUT * LANDMARK_INPUT * 3), [1, LANDMARK_INPUT, LANDMARK_INPUT, 3], 'float32');
  try {
    h.tf.dispose(skeleton.execute(crop, ['Identity_1', 'Identity']) as Tensor[]);
  } finally {
    h.tf.dispose(crop);
    handednessRuns = [];
  }
}

interface PreparedFrame {
  tensor: Tensor;
  /** Where the picture sits in the tensor, in the tensor's pixels. */
  padX: number;
  padY: number;
  width: number;
  height: number;
}

/** The frame as a [1, h, w, 3] tensor; below scale 1, centred in a grey frame 1/scale its size. */
function frameTensor(h: Human, request: DetectRequest, scale: number): PreparedFrame {
  const { width, height } = request;
  const image = h.tf.tensor(request.rgb, [1, height, width, 3], 'int32');
  if (scale >= 1) return { tensor: image, padX: 0, padY: 0, width, height };
  const fullWidth = Math.round(width / scale);
  const fullHeight = Math.round(height / scale);
  const padX = Math.floor((fullWidth - width) / 2);
  const padY = Math.floor((fullHeight - height) / 2);
  const padded = h.tf.pad(image, [[0, 0], [padY, fullHeight - height - padY], [padX, fullWidth - width - padX], [0, 0]], PAD_VALUE);
  h.tf.dispose(image);
  return { tensor: padded, padX, padY, width, height };
}

async function runHuman(h: Human, frame: PreparedFrame, cacheSensitivity: number): Promise<ObservedHand[]> {
  handednessRuns = [];
  const result = await h.detect(frame.tensor, { cacheSensitivity });
  if (result.error) throw new Error(`hand detection failed: ${result.error}`);
  const runs = handednessRuns;
  const hands: ObservedHand[] = [];
  result.hand.forEach((hand, index) => {
    if (hand.keypoints.length !== 21 || hand.fingerScore < settings.minConfidence) return;
    const leftScore = runs.length === result.hand.length ? runs[index]! : 0.5;
    hands.push(toObservedHand(hand, leftScore, frame));
  });
  return hands;
}

/**
 * Video: one Human run (it tracks by itself). Stills: the detector's box is not square, and the landmark
 * model reads a squashed crop; a second run on the same picture, now tracking from those landmarks
 * (Human then crops a square around them), gives clearly better landmarks on close-ups.
 */
async function detectAt(h: Human, request: DetectRequest, scale: number, still: boolean): Promise<ObservedHand[]> {
  const frame = frameTensor(h, request, scale);
  try {
    if (!still) return await runHuman(h, frame, ALWAYS_SKIP);
    // Any difference from the previous picture forces the detector; a positive sensitivity makes
    // Human keep the found boxes for the refining run.
    const found = await runHuman(h, frame, FORCE_DETECT);
    if (!found.length) return found;
    const refined = await runHuman(h, frame, ALWAYS_SKIP);
    return refined.length === found.length ? refined : found;
  } finally {
    h.tf.dispose(frame.tensor);
  }
}

/**
 * Human's keypoints are pixels of the (padded) input with z as the landmark model's raw depth; turn them
 * into MediaPipe's normalized landmarks of the original frame.
 */
function toObservedHand(hand: HumanHand, leftScore: number, frame: PreparedFrame): ObservedHand {
  const xs = hand.keypoints.map((k) => k[0]);
  const ys = hand.keypoints.map((k) => k[1]);
  const cropPx = CROP_EXPAND * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const zToWidth = cropPx / (LANDMARK_INPUT * LANDMARK_Z_SCALE) / frame.width;
  const wristZ = hand.keypoints[0]?.[2] ?? 0;
  const landmarks = hand.keypoints.map(([x, y, z]): Landmark => [
    round((x - frame.padX) / frame.width),
    round((y - frame.padY) / frame.height),
    round(((z ?? 0) - wristZ) * zToWidth),
  ]);
  // MediaPipe's binary handedness: the model's score is that of its first label, "Left" (which, like
  // every MediaPipe handedness, assumes a mirrored selfie image).
  const handedness: Handedness = leftScore >= 0.5 ? 'Left' : 'Right';
  return { landmarks, handedness, handednessScore: round(Math.max(leftScore, 1 - leftScore)), score: round(hand.fingerScore) };
}

async function detect(request: DetectRequest): Promise<Detection> {
  const h = human;
  if (!h) throw new Error('detector not initialised');
  const started = performance.now();
  const scales = settings.searchScales.length ? settings.searchScales : [1];
  let hands: ObservedHand[] = [];
  let mode: Detection['mode'] = 'searching';
  let scale = scales[0]!;
  if (request.kind === 'still') {
    for (const candidate of scales) {
      scale = candidate;
      hands = await detectAt(h, request, candidate, true);
      if (hands.length) break;
    }
  } else {
    mode = trackedScale !== undefined ? 'tracking' : 'searching';
    scale = trackedScale ?? scales[nextSearch++ % scales.length]!;
    hands = await detectAt(h, request, scale, false);
    // Human tracks on the next frame only when every wanted hand was found; keep that frame's scale.
    trackedScale = hands.length >= settings.maxHands ? scale : undefined;
  }
  return { hands, mode, scale, inferenceMs: Math.round((performance.now() - started) * 10) / 10, tensors: h.tf.memory().numTensors };
}

const round = (n: number) => Math.round(n * 1e5) / 1e5;

// One message at a time, in order: Human's state is per frame sequence.
let chain: Promise<void> = Promise.resolve();
port.on('message', (request: HandDetectorRequest) => {
  chain = chain.then(async () => {
    try {
      if (request.type === 'init') await init(request);
      else reply({ type: 'result', id: request.id, detection: await detect(request) });
    } catch (err) {
      reply({ type: 'error', id: request.type === 'detect' ? request.id : null, message: (err as Error).message ?? String(err) });
    }
  });
});
