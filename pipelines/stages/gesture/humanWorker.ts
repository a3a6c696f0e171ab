/**
 * Runs @vladmandic/human (tfjs WASM backend) in a worker_thread, so inference never blocks the server's
 * event loop. One worker per detector: it tracks hands from frame to frame, so two streams must never
 * share one.
 *
 * Hand tracking (video): after a frame where every wanted hand was found, only the landmark model runs,
 * on a box derived from each hand's last landmarks (~30 ms), instead of the detector (~150-250 ms). This
 * is Human's own tracking (handtrack.ts: square around the landmarks, 1.6x), done here rather than left
 * to Human's hidden cache so that a lost hand's place can be looked at again (lostHandRecheck) before
 * the detector searches the whole frame.
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
  image: { cropAndResize(image: Tensor, boxes: number[][], boxInd: number[], cropSize: [number, number], method: 'bilinear'): Tensor };
  div(a: Tensor, b: number): Tensor;
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
/** Frame differences never make Human re-detect: it runs the landmark model on the boxes it found last. */
const ALWAYS_SKIP = 1e9;
/** Any frame difference at all makes Human re-detect (and, unlike 0, it still keeps the found boxes). */
const FORCE_DETECT = 1e-12;

let human: Human | undefined;
let settings: HandDetectorSettings;
/** Handedness of each landmark-model run of the current frame, in run order. */
let handednessRuns: number[] = [];
/** The landmark model (Human's handskeleton), run directly while tracking. */
let landmarkModel: GraphModel | undefined;

/** Where to look for a hand in the next frame: [x, y, width, height] as fractions of the prepared tensor. */
type Box = [number, number, number, number];

/** Video state: the hands being tracked, at which scale, and since when the last one is missing. */
interface Tracking {
  scale: number;
  boxes: Box[];
  /** Set while re-checking where a lost hand was: its loss frame's time and frames re-checked since. */
  lost: { at: number; frames: number } | undefined;
}
let tracking: Tracking | undefined;
/** Which search scale the next searching frame uses. */
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
  landmarkModel = skeleton;
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

interface FoundHand {
  hand: ObservedHand;
  /** Where to look for it in the next frame; undefined when it is too small to track. */
  next: Box | undefined;
}

async function runHuman(h: Human, frame: PreparedFrame, cacheSensitivity: number): Promise<FoundHand[]> {
  handednessRuns = [];
  const result = await h.detect(frame.tensor, { cacheSensitivity });
  if (result.error) throw new Error(`hand detection failed: ${result.error}`);
  const runs = handednessRuns;
  const hands: FoundHand[] = [];
  result.hand.forEach((hand, index) => {
    if (hand.keypoints.length !== 21 || hand.fingerScore < settings.minConfidence) return;
    const leftScore = runs.length === result.hand.length ? runs[index]! : 0.5;
    hands.push({ hand: toObservedHand(hand, leftScore, frame), next: nextBox(hand.keypoints, frame) });
  });
  return hands;
}

/**
 * Human's box for tracking a hand in the next frame (handtrack.ts): a square around its landmarks, 1.6x
 * as big; none for a hand under 5% of the frame.
 */
function nextBox(keypoints: HumanHand['keypoints'], frame: PreparedFrame): Box | undefined {
  const xs = keypoints.map((k) => k[0]);
  const ys = keypoints.map((k) => k[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const [cx, cy] = [(minX + maxX) / 2, (minY + maxY) / 2];
  const half = Math.max(cx - minX, cy - minY, maxX - cx, maxY - cy);
  const side = Math.trunc(2 * half);
  const [w, h] = [frame.tensor.shape[2]!, frame.tensor.shape[1]!];
  if (side / w <= 0.05 || side / h <= 0.05) return undefined;
  const raw: Box = [Math.trunc(cx - half) / w, Math.trunc(cy - half) / h, side / w, side / h];
  return [raw[0] - (raw[2] * CROP_EXPAND - raw[2]) / 2, raw[1] - (raw[3] * CROP_EXPAND - raw[3]) / 2, raw[2] * CROP_EXPAND, raw[3] * CROP_EXPAND];
}

/** The landmark model on one box (Human's handtrack.ts detectFingers): the hand, if it is still there. */
function landmarksIn(h: Human, frame: PreparedFrame, box: Box): FoundHand | undefined {
  const tf = h.tf;
  const [x, y, w, bh] = box;
  handednessRuns = [];
  const crop = tf.image.cropAndResize(frame.tensor, [[y, x, y + bh, x + w]], [0], [LANDMARK_INPUT, LANDMARK_INPUT], 'bilinear');
  const input = tf.div(crop, 255);
  const [score, points] = landmarkModel!.execute(input, ['Identity_1', 'Identity']) as [Tensor, Tensor];
  try {
    // Human's presence score: a sigmoid, in whole percent.
    const presence = (100 - Math.trunc(100 / (1 + Math.exp(score.dataSync()[0] ?? -10)))) / 100;
    if (presence < settings.minConfidence) return undefined;
    const flat = points.dataSync();
    const [tw, th] = [frame.tensor.shape[2]!, frame.tensor.shape[1]!];
    const keypoints: HumanHand['keypoints'] = [];
    for (let i = 0; i < 21; i++) {
      keypoints.push([((flat[3 * i]! / LANDMARK_INPUT) * w + x) * tw, ((flat[3 * i + 1]! / LANDMARK_INPUT) * bh + y) * th, flat[3 * i + 2] ?? 0]);
    }
    const hand: HumanHand = { score: presence, fingerScore: presence, keypoints };
    return { hand: toObservedHand(hand, handednessRuns[0] ?? 0.5, frame), next: nextBox(keypoints, frame) };
  } finally {
    tf.dispose([crop, input, score, points]);
  }
}

/**
 * Stills: the detector's box is not square, and the landmark model reads a squashed crop; a second run
 * on the same picture, now tracking from those landmarks (Human then crops a square around them), gives
 * clearly better landmarks on close-ups.
 */
async function detectStill(h: Human, request: DetectRequest, scale: number): Promise<ObservedHand[]> {
  const frame = frameTensor(h, request, scale);
  try {
    // Any difference from the previous picture forces the detector; a positive sensitivity makes
    // Human keep the found boxes for the refining run.
    const found = await runHuman(h, frame, FORCE_DETECT);
    if (!found.length) return [];
    const refined = await runHuman(h, frame, ALWAYS_SKIP);
    return (refined.length === found.length ? refined : found).map((f) => f.hand);
  } finally {
    h.tf.dispose(frame.tensor);
  }
}

/** Video: whether a lost hand's place is still worth re-checking in this frame (see lostHandRecheck). */
function stillRechecking(lost: NonNullable<Tracking['lost']>, now: number): boolean {
  const { frames, ms } = settings.lostHandRecheck;
  return lost.frames + 1 <= frames || now - lost.at < ms;
}

/**
 * Video: track where hands were (landmark model only) while every wanted hand keeps being found, or a
 * lost one is being re-checked; otherwise search (detector) at the next search scale.
 */
async function detectVideo(h: Human, request: DetectRequest): Promise<Omit<Detection, 'inferenceMs' | 'tensors'>> {
  const now = request.captureTs ?? performance.now();
  const scales = settings.searchScales.length ? settings.searchScales : [1];
  if (tracking?.lost && !stillRechecking(tracking.lost, now)) tracking = undefined;
  const scale = tracking?.scale ?? scales[nextSearch++ % scales.length]!;
  const frame = frameTensor(h, request, scale);
  try {
    if (!tracking) {
      const found = await runHuman(h, frame, FORCE_DETECT);
      const boxes = found.map((f) => f.next).filter((b): b is Box => b !== undefined);
      if (found.length >= settings.maxHands && boxes.length === found.length) tracking = { scale, boxes, lost: undefined };
      return { hands: found.map((f) => f.hand), mode: 'searching', scale };
    }
    const found = tracking.boxes.map((box) => landmarksIn(h, frame, box)).filter((f): f is FoundHand => f !== undefined);
    const boxes = found.map((f) => f.next).filter((b): b is Box => b !== undefined);
    if (found.length >= settings.maxHands && boxes.length === found.length) {
      tracking = { scale, boxes, lost: undefined };
    } else if (tracking.lost) {
      tracking.lost.frames++; // keep looking where they were, from the boxes before the loss
    } else {
      tracking.lost = { at: now, frames: 0 }; // the next frames decide whether to look here again
    }
    return { hands: found.map((f) => f.hand), mode: 'tracking', scale };
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
  let result: Omit<Detection, 'inferenceMs' | 'tensors'>;
  if (request.kind === 'still') {
    const scales = settings.searchScales.length ? settings.searchScales : [1];
    result = { hands: [], mode: 'searching', scale: scales[0]! };
    for (const scale of scales) {
      result = { hands: await detectStill(h, request, scale), mode: 'searching', scale };
      if (result.hands.length) break;
    }
  } else {
    result = await detectVideo(h, request);
  }
  return { ...result, inferenceMs: Math.round((performance.now() - started) * 10) / 10, tensors: h.tf.memory().numTensors };
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
