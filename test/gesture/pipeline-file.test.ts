import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFrame } from '../../pipelines/frames.ts';
import { gestureMonitor } from '../../pipelines/stages/gesture/GestureMonitor.ts';
import type { GestureEvent, HandsObservation } from '../../server/protocol/gestureEvents.ts';
import { journal } from '../pipelines/fixtures/faultyStages.ts';
import { startPipelines, type Harness } from '../pipelines/engineHarness.ts';
import { waitFor } from '../helpers/wait.ts';
import { makeGestureVideo } from './helpers/gestureVideo.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-gesture-video-'));
let video: string;
let harness: Harness | undefined;

beforeAll(async () => {
  video = path.join(dir, 'gestures.avi');
  // Grey wall (3 s: the stage loads its models while the file already plays), a thumbs up held 2 s,
  // wall, a victory held 2 s, wall (real photos from fingerpose).
  await makeGestureVideo(video, [{ frames: 45 }, { page: 17, frames: 30 }, { frames: 12 }, { page: 28, frames: 30 }, { frames: 15 }]);
}, 60_000);
afterAll(async () => {
  await harness?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a pipeline fed a video through the file source', () => {
  it('emits gesture_start / gesture_end for the gestures in the video, in order, with latencies', { timeout: 120_000 }, async () => {
    const reported: GestureEvent[] = [];
    const observations: HandsObservation[] = [];
    const onEvent = (e: GestureEvent) => reported.push(e);
    const onObservation = (o: HandsObservation) => observations.push(o);
    gestureMonitor.on('event', onEvent);
    gestureMonitor.on('observation', onObservation);
    try {
      harness = startPipelines(
        [
          {
            id: 'hands',
            // A file has no room of its own: the pipeline's room is the one its gestures happen in.
            room: 'stage',
            source: { type: 'file', path: video, width: 640, height: 480, realtime: true },
            stages: [
              { id: 'gesture', type: 'gesture', options: { swipes: { enabled: false } } },
              { id: 'out', type: 'faulty.record', options: { key: 'gesture-out' } },
            ],
          },
        ],
        dir,
      );
      const pipeline = harness.pipelines[0]!;
      await waitFor('the video to play to its end', () => pipeline.sourceFinished, 60_000);
      // The last wall frames end the victory once the stage has caught up.
      await waitFor('victory to end', () => reported.some((e) => e.phase === 'end' && e.label === 'victory'), 20_000);

      const frames = (journal.get('gesture-out')?.frames ?? []) as EventFrame[];
      const sequence = frames.map((f) => `${f.type} ${(f.payload as GestureEvent).label}`);
      expect(sequence).toEqual(['gesture_start thumbs_up', 'gesture_end thumbs_up', 'gesture_start victory', 'gesture_end victory']);
      // The same events reached the monitor (and from there the bus and the Gestures page).
      expect(reported.map((e) => `${e.phase} ${e.label}`)).toEqual(['start thumbs_up', 'end thumbs_up', 'start victory', 'end victory']);

      for (const frame of frames) {
        const event = frame.payload as GestureEvent;
        expect(frame.sourceId).toBe(`file:${video}`);
        expect(frame.captureTs).toBe(event.decidedAt);
        expect(event.decidedAt).toBeGreaterThanOrEqual(event.startedAt);
        expect(event.latencyMs).toBe(event.emittedAt - event.decidedAt);
        expect(event.latencyMs).toBeLessThan(5_000);
        expect(['Left', 'Right']).toContain(event.hand);
        expect(event.room).toBe('stage');
      }
      const [upStart, upEnd] = frames.map((f) => f.payload as GestureEvent);
      // Held for about the 2 s of the video it was in (frames may be skipped while the detector searches).
      expect(upEnd!.durationMs).toBeGreaterThan(1_000);
      expect(upEnd!.durationMs).toBeLessThan(2_500);
      expect(upStart!.confidence).toBeGreaterThan(0.7);

      // The detector searched on the wall and tracked on the held hand.
      expect(observations.some((o) => o.mode === 'searching' && o.hands.length === 0)).toBe(true);
      expect(observations.some((o) => o.mode === 'tracking' && o.hands[0]?.pose === 'thumbs_up')).toBe(true);
      // Each gesture_end is decided on a frame where the lost hand's place was only re-checked (landmark
      // model), never behind a whole-frame search: the end is as prompt as the start.
      for (const end of reported.filter((e) => e.phase === 'end')) {
        const deciding = observations.find((o) => o.captureTs === end.decidedAt);
        expect(deciding, `${end.label} end`).toMatchObject({ mode: 'tracking', hands: [] });
      }
      expect(pipeline.currentProblems()).toEqual([]);
    } finally {
      gestureMonitor.off('event', onEvent);
      gestureMonitor.off('observation', onObservation);
    }
  });
});
