import { io, type Socket } from 'socket.io-client';
import {
  GESTURE_NAMESPACE,
  type BrowserLandmarks,
  type GestureClientToServerEvents,
  type GestureServerToClientEvents,
  type ObservedHand,
} from '../../../../server/protocol/gestureEvents.ts';
import { createMediaPipeHands, type MediaPipeHands, type MediaPipeHandsResults } from './loadMediaPipeHands.ts';

export interface SenderStatus {
  state: 'loading' | 'running' | 'stopped' | 'failed';
  detail: string;
  /** Frames analysed per second (last second). */
  fps: number;
  hands: number;
  /** Milliseconds MediaPipe took for the last frame. */
  inferenceMs: number;
  connected: boolean;
}

export interface HandLandmarkSenderOptions {
  token: string;
  room: string;
  /** The published camera's label (`desk-cam`): the server's source is `room:<room>/<label>`. */
  label: string;
  video: HTMLVideoElement;
  /** At most this many frames per second are analysed (MediaPipe on a laptop GPU does ~30). */
  maxFps?: number;
  onStatus(status: SenderStatus): void;
}

/** MediaPipe's own convention and Roomcast's: handedness assumes a mirrored (selfie) picture. */
function toHands(results: MediaPipeHandsResults): ObservedHand[] {
  const hands: ObservedHand[] = [];
  (results.multiHandLandmarks ?? []).forEach((points, i) => {
    const side = results.multiHandedness?.[i];
    if (points.length !== 21 || !side) return;
    hands.push({
      landmarks: points.map((p) => [p.x, p.y, p.z]),
      handedness: side.label,
      handednessScore: side.score,
      // The solution API does not expose the presence score; the handedness score stands in for it.
      score: side.score,
    });
  });
  return hands;
}

/**
 * Browser-side hand landmarks (the `browser` gesture mode): runs @mediapipe/hands on the capture
 * preview and sends each frame's landmarks to `/gestures`; the server classifies them with the same code
 * as its own detector. One frame in flight at a time, at most `maxFps`.
 */
export class HandLandmarkSender {
  private hands: MediaPipeHands | undefined;
  private socket: Socket<GestureServerToClientEvents, GestureClientToServerEvents> | undefined;
  private running = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly sentAt: number[] = [];
  private status: SenderStatus = { state: 'loading', detail: 'Loading MediaPipe Hands…', fps: 0, hands: 0, inferenceMs: 0, connected: false };

  constructor(private readonly options: HandLandmarkSenderOptions) {}

  private update(change: Partial<SenderStatus>): void {
    this.status = { ...this.status, ...change };
    this.options.onStatus(this.status);
  }

  async start(): Promise<void> {
    this.running = true;
    this.update({ state: 'loading', detail: 'Loading MediaPipe Hands…' });
    const socket: Socket<GestureServerToClientEvents, GestureClientToServerEvents> = io(GESTURE_NAMESPACE, { auth: { token: this.options.token }, reconnection: true });
    this.socket = socket;
    socket.on('connect', () => this.update({ connected: true }));
    socket.on('disconnect', () => this.update({ connected: false }));
    socket.on('connect_error', (error) => this.update({ connected: false, detail: `Roomcast refused the gesture connection: ${error.message}` }));
    try {
      const hands = await createMediaPipeHands();
      if (!this.running) return void (await hands.close());
      this.hands = hands;
      hands.setOptions({ maxNumHands: 2, modelComplexity: 1, minDetectionConfidence: 0.6, minTrackingConfidence: 0.5 });
      await hands.initialize();
    } catch (error) {
      this.update({ state: 'failed', detail: `MediaPipe Hands could not start: ${(error as Error).message}` });
      return;
    }
    this.update({ state: 'running', detail: 'Finding hands in this browser' });
    this.schedule();
  }

  private schedule(): void {
    if (!this.running) return;
    const minGap = 1000 / (this.options.maxFps ?? 15);
    const last = this.sentAt.at(-1) ?? 0;
    this.timer = setTimeout(() => void this.analyse(), Math.max(0, last + minGap - performance.now()));
  }

  private async analyse(): Promise<void> {
    const { video } = this.options;
    const hands = this.hands;
    if (!this.running || !hands) return;
    if (video.readyState < 2 || !video.videoWidth) {
      this.timer = setTimeout(() => void this.analyse(), 200);
      return;
    }
    const captureTs = Date.now();
    const started = performance.now();
    let results: MediaPipeHandsResults = {};
    hands.onResults((r) => (results = r));
    try {
      await hands.send({ image: video });
    } catch (error) {
      this.update({ state: 'failed', detail: `MediaPipe Hands failed: ${(error as Error).message}` });
      this.running = false;
      return;
    }
    const inferenceMs = performance.now() - started;
    const found = toHands(results);
    const payload: BrowserLandmarks = {
      room: this.options.room,
      label: this.options.label,
      captureTs,
      width: video.videoWidth,
      height: video.videoHeight,
      inferenceMs: Math.round(inferenceMs * 10) / 10,
      hands: found,
    };
    // Volatile: a frame that cannot go now is worthless later.
    this.socket?.volatile.emit('gesture:landmarks', payload);
    const now = performance.now();
    this.sentAt.push(now);
    while (this.sentAt.length && now - this.sentAt[0]! > 1000) this.sentAt.shift();
    this.update({ fps: this.sentAt.length, hands: found.length, inferenceMs: Math.round(inferenceMs) });
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.socket?.disconnect();
    this.socket = undefined;
    const hands = this.hands;
    this.hands = undefined;
    await hands?.close().catch(() => undefined);
    this.update({ state: 'stopped', detail: 'Off', fps: 0, hands: 0, connected: false });
  }
}
