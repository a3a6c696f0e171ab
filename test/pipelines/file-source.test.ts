import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VideoFrame } from '../../pipelines/frames.ts';
import { journal } from './fixtures/faultyStages.ts';
import { startPipelines, type Harness } from './engineHarness.ts';
import { waitFor } from '../helpers/wait.ts';
import { makeVideo } from './videoFiles.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-file-source-'));

let red: string;
beforeAll(() => {
  red = makeVideo(path.join(dir, 'red.webm'), { frames: 30 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  journal.clear();
});

const videoFrames = (key: string) => (journal.get(key)?.frames ?? []) as VideoFrame[];

describe('the file source', () => {
  it('decodes a video file to RGB frames of the configured size, once, then finishes', async () => {
    // Decoding as fast as it can, several frames can arrive at once: a queue with room for all of them
    // keeps every frame (the default keep-latest queue would rightly drop all but the newest).
    const everyFrame = { video: { mode: 'backpressure', capacity: 64 } };
    harness = startPipelines(
      [{ id: 'once', source: { type: 'file', path: 'red.webm', width: 32, height: 24 }, stages: [{ id: 'rec', type: 'faulty.record', options: { key: 'once' }, queue: everyFrame }] }],
      dir,
    );
    const pipeline = harness.pipelines[0]!;
    await waitFor('the file to finish', () => pipeline.sourceFinished, 15_000);
    // The last frame may still be on its way through the stage's queue.
    await waitFor('30 frames recorded', () => videoFrames('once').length >= 30, 2_000).catch(() => undefined);
    const frames = videoFrames('once');
    expect(frames).toHaveLength(30);
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const frame of frames) {
      expect([frame.kind, frame.width, frame.height, frame.format, frame.data.length]).toEqual(['video', 32, 24, 'rgb24', 32 * 24 * 3]);
    }
    // The middle pixel of the last frame is the red that was encoded (VP8 is lossy: within a few levels).
    const last = frames.at(-1)!;
    const mid = (12 * 32 + 16) * 3;
    const [r, g, b] = [last.data[mid]!, last.data[mid + 1]!, last.data[mid + 2]!];
    expect(r).toBeGreaterThan(235);
    expect(g).toBeLessThan(25);
    expect(b).toBeLessThan(25);
    expect(pipeline.currentProblems()).toEqual([]);
  });

  it('loops, pacing frames at the requested rate in real time', async () => {
    harness = startPipelines(
      [{ id: 'loop', source: { type: 'file', path: red, loop: true, fps: 30, width: 32, height: 24 }, stages: [{ id: 'rec', type: 'faulty.record', options: { key: 'loop' } }] }],
      dir,
    );
    const started = Date.now();
    // 30 frames per 1 s file: 45 frames means it went round at least once.
    await waitFor('the file to play past its end', () => videoFrames('loop').length >= 45, 15_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThan(1_200);
    const seqs = videoFrames('loop').map((f) => f.seq);
    expect(seqs.slice(0, 45)).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(harness.pipelines[0]!.sourceFinished).toBe(false);
  });

  it('reports a file it cannot decode and a file that is missing, naming the path', async () => {
    const garbage = path.join(dir, 'garbage.webm');
    writeFileSync(garbage, 'this is not a video');
    harness = startPipelines(
      [
        { id: 'bad', source: { type: 'file', path: garbage }, stages: [{ id: 'rec', type: 'faulty.record', options: { key: 'bad' } }], restart: { initialDelayMs: 100 } },
        { id: 'missing', source: { type: 'file', path: 'nope.webm' }, stages: [{ id: 'rec', type: 'faulty.record', options: { key: 'missing' } }] },
      ],
      dir,
    );
    await waitFor('the decoder failure to be reported', () => harness!.problems.get('bad')!.flat().some((p) => p.includes(`decoder for ${garbage} exited`)), 15_000);
    // With GStreamer's own words for it.
    expect(harness.problems.get('bad')!.flat().find((p) => p.includes('exited'))).toMatch(/exited \(code 1\): (Could not determine type of stream|Internal data stream error).*; restarting$/);
    await waitFor('the missing file to be reported', () => harness!.problems.get('missing')!.flat().includes(`file not found: ${path.join(dir, 'nope.webm')}`), 5_000);
    expect(videoFrames('bad')).toEqual([]);
  });
});
