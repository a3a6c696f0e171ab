import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandDetector } from '../../pipelines/stages/gesture/HandDetector.ts';
import { decodeImage } from '../../pipelines/stages/gesture/decodeImage.ts';
import { segmentFrame, VIDEO_HEIGHT, VIDEO_WIDTH } from './helpers/gestureVideo.ts';
import { FINGERPOSE_ASSETS } from './helpers/photos.ts';

const frame = (rgb: Buffer) => ({ width: VIDEO_WIDTH, height: VIDEO_HEIGHT, rgb });

let detector: HandDetector;
let hand: Buffer;
let wall: Buffer;

beforeAll(async () => {
  detector = await HandDetector.start();
  hand = await segmentFrame({ page: 17, frames: 1 });
  wall = await segmentFrame({ frames: 1 });
}, 60_000);
afterAll(() => detector?.close());

describe('hand detector (Human, tfjs WASM, in a worker_thread)', () => {
  it('runs the detector only while no hand is tracked: searching, then tracking, then searching again', { timeout: 60_000 }, async () => {
    const modes: string[] = [];
    for (const rgb of [wall, hand, hand, hand, wall, wall]) {
      const detection = await detector.detect(frame(rgb));
      modes.push(`${detection.mode}:${detection.hands.length}`);
    }
    expect(modes).toEqual(['searching:0', 'searching:1', 'tracking:1', 'tracking:1', 'tracking:0', 'searching:0']);
  });

  it('re-checks where a lost hand was (landmark model only) for lostHandRecheck frames, then searches', { timeout: 60_000 }, async () => {
    const rechecking = await HandDetector.start({ lostHandRecheck: { frames: 2, ms: 0 } });
    try {
      const modes: string[] = [];
      for (const rgb of [hand, hand, wall, wall, wall, wall]) {
        const detection = await rechecking.detect(frame(rgb));
        modes.push(`${detection.mode}:${detection.hands.length}`);
      }
      // The loss frame, then two re-checks of the hand's place, then the detector again.
      expect(modes).toEqual(['searching:1', 'tracking:1', 'tracking:0', 'tracking:0', 'tracking:0', 'searching:0']);
    } finally {
      await rechecking.close();
    }
  });

  it('keeps tracking a hand that flickers out for a frame, without a search; the window can be in capture time', { timeout: 60_000 }, async () => {
    const rechecking = await HandDetector.start({ lostHandRecheck: { frames: 0, ms: 150 } });
    try {
      const seen: string[] = [];
      const frames: Array<[Buffer, number]> = [[hand, 0], [hand, 66], [wall, 133], [hand, 200], [hand, 266], [wall, 333], [wall, 400], [wall, 466], [wall, 533]];
      for (const [rgb, captureTs] of frames) {
        const detection = await rechecking.detect({ ...frame(rgb), captureTs });
        seen.push(`${detection.mode}:${detection.hands.length}`);
      }
      // Back at 200 ms in the same place: found by the landmark model alone. Lost at 333 ms: re-checked
      // while under 150 ms since (400, 466), searched at 533.
      expect(seen).toEqual(['searching:1', 'tracking:1', 'tracking:0', 'tracking:1', 'tracking:1', 'tracking:0', 'tracking:0', 'tracking:0', 'searching:0']);
    } finally {
      await rechecking.close();
    }
  });

  it('reports MediaPipe-style landmarks, handedness and presence score', { timeout: 30_000 }, async () => {
    const { hands, inferenceMs } = await detector.detect(frame(hand), 'still');
    expect(hands).toHaveLength(1);
    const [found] = hands;
    expect(found!.landmarks).toHaveLength(21);
    expect(found!.landmarks[0]![2]).toBe(0);
    expect(found!.handedness === 'Left' || found!.handedness === 'Right').toBe(true);
    expect(found!.handednessScore).toBeGreaterThanOrEqual(0.5);
    expect(found!.score).toBeGreaterThanOrEqual(0.6);
    expect(inferenceMs).toBeGreaterThan(0);
    // The hand is in the right part of the picture (the photo's person holds it up on the right).
    expect(found!.landmarks[9]![0]).toBeGreaterThan(0.6);
    expect(found!.landmarks[9]![0]).toBeLessThan(0.9);
  });

  it('does not leak tensors frame after frame', { timeout: 120_000 }, async () => {
    const counts: number[] = [];
    for (let i = 0; i < 40; i++) counts.push((await detector.detect(frame(i % 10 < 7 ? hand : wall))).tensors);
    expect(Math.max(...counts.slice(10)) - Math.min(...counts.slice(10))).toBeLessThanOrEqual(2);
  });

  it('finds close-ups only when searching smaller too (stills try every scale)', { timeout: 60_000 }, async () => {
    const closeUp = await decodeImage(path.join(FINGERPOSE_ASSETS, 'nocurl.jpg'));
    const asIs = await HandDetector.start({ searchScales: [1] });
    const smaller = await HandDetector.start({ searchScales: [1, 0.75, 0.5, 0.35] });
    try {
      expect((await asIs.detect(closeUp, 'still')).hands).toHaveLength(0);
      const found = await smaller.detect(closeUp, 'still');
      expect(found.hands).toHaveLength(1);
      expect(found.scale).toBeLessThan(1);
      // Landmarks are of the original picture, not the padded one.
      for (const [x, y] of found.hands[0]!.landmarks) {
        expect(x).toBeGreaterThanOrEqual(-0.05);
        expect(x).toBeLessThanOrEqual(1.05);
        expect(y).toBeGreaterThanOrEqual(-0.05);
        expect(y).toBeLessThanOrEqual(1.05);
      }
    } finally {
      await asIs.close();
      await smaller.close();
    }
  });

  it('refuses a wrongly sized frame, and every call after close', async () => {
    await expect(detector.detect({ width: 10, height: 10, rgb: new Uint8Array(5) })).rejects.toThrow(/expected 10x10 RGB \(300 bytes\), got 5 bytes/);
    const other = await HandDetector.start();
    await other.close();
    await expect(other.detect(frame(hand))).rejects.toThrow(/closed/);
  });
});
