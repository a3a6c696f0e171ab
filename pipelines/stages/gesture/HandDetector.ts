import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Detection, HandDetectorReply, HandDetectorSettings } from './handDetectorMessages.ts';

export type { Detection, HandDetectorSettings } from './handDetectorMessages.ts';

export const DEFAULT_DETECTOR_SETTINGS: Readonly<HandDetectorSettings> = { maxHands: 1, minConfidence: 0.6, searchScales: [1], lostHandRecheck: { frames: 0, ms: 0 } };

export interface HandDetectorEvents {
  /** The worker died (crash, out of memory); pending and later calls reject. */
  exit: [error: Error];
}

export interface HandImage {
  width: number;
  height: number;
  /** Packed RGB, width * height * 3 bytes. It is copied before it crosses to the worker. */
  rgb: Uint8Array;
  /** Video: capture time in ms (see HandDetectorSettings.lostHandRecheck). */
  captureTs?: number;
}

const require = createRequire(import.meta.url);

function packageDir(specifier: string): string {
  // Resolve the package's main entry and walk up to its folder (some hide package.json behind `exports`).
  let dir = path.dirname(require.resolve(specifier));
  while (!dir.endsWith(path.join('node_modules', ...specifier.split('/')))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${specifier}`);
    dir = parent;
  }
  return dir;
}

/** Human's hand models (detector + lite landmarks), shipped inside its npm package. */
export const HUMAN_MODEL_DIR = path.join(packageDir('@vladmandic/human'), 'models');
export const TFJS_WASM_DIR = path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');

/**
 * Finds hands and their 21 landmarks with @vladmandic/human in a worker_thread. One instance per video
 * stream (it tracks a found hand across frames); calls are answered in order.
 */
export class HandDetector extends EventEmitter<HandDetectorEvents> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (d: Detection) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;
  private closed = false;
  readonly ready: Promise<{ backend: string; loadMs: number }>;

  private constructor(settings: HandDetectorSettings) {
    super();
    this.worker = new Worker(new URL('./humanWorker.bootstrap.mjs', import.meta.url), { name: 'roomcast-gesture' });
    let readyResolve!: (r: { backend: string; loadMs: number }) => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      readyResolve = resolve;
      readyReject = reject;
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (message: HandDetectorReply) => {
      if (message.type === 'ready') readyResolve({ backend: message.backend, loadMs: message.loadMs });
      else if (message.type === 'result') this.settle(message.id, message.detection);
      else if (message.id === null) readyReject(new Error(`gesture worker failed to start: ${message.message}`));
      else this.settle(message.id, new Error(message.message));
    });
    const die = (error: Error) => {
      if (this.failure) return;
      this.failure = error;
      readyReject(error);
      for (const [id] of this.pending) this.settle(id, error);
      if (!this.closed) this.emit('exit', error);
    };
    this.worker.on('error', (err) => die(new Error(`gesture worker crashed: ${err.message}`)));
    this.worker.on('exit', (code) => die(new Error(this.closed ? 'hand detector closed' : `gesture worker exited (code ${code})`)));
    this.worker.postMessage({ type: 'init', settings, modelDir: HUMAN_MODEL_DIR, wasmDir: TFJS_WASM_DIR });
  }

  /** Start a worker and wait until its models are loaded. */
  static async start(settings: Partial<HandDetectorSettings> = {}): Promise<HandDetector> {
    const detector = new HandDetector({ ...DEFAULT_DETECTOR_SETTINGS, ...settings });
    try {
      await detector.ready;
    } catch (err) {
      await detector.close();
      throw err;
    }
    return detector;
  }

  /**
   * Hands in one image. `video` frames are consecutive frames of one stream (a found hand is tracked);
   * `still` images are unrelated (each is searched from scratch, at every search scale until found).
   */
  detect(image: HandImage, kind: 'video' | 'still' = 'video'): Promise<Detection> {
    if (this.failure) return Promise.reject(this.failure);
    if (image.rgb.length !== image.width * image.height * 3) {
      return Promise.reject(new Error(`expected ${image.width}x${image.height} RGB (${image.width * image.height * 3} bytes), got ${image.rgb.length} bytes`));
    }
    const id = this.nextId++;
    // Frames are shared between pipeline stages: send a copy, transferred rather than cloned again.
    const rgb = new Uint8Array(image.rgb);
    return new Promise<Detection>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'detect', id, width: image.width, height: image.height, rgb, kind, captureTs: image.captureTs }, [rgb.buffer]);
    });
  }

  private settle(id: number, outcome: Detection | Error): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    if (outcome instanceof Error) entry.reject(outcome);
    else entry.resolve(outcome);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
