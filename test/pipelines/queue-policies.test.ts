import { afterEach, describe, expect, it } from 'vitest';
import type { EventFrame, Frame, VideoFrame } from '../../pipelines/frames.ts';
import { FrameQueue } from '../../pipelines/engine/FrameQueue.ts';
import { journal } from './fixtures/faultyStages.ts';
import { startPipelines, type Harness } from './engineHarness.ts';
import { waitFor } from '../helpers/wait.ts';

const video = (seq: number): VideoFrame => ({ kind: 'video', sourceId: 't', seq, captureTs: seq, width: 1, height: 1, format: 'rgb24', data: new Uint8Array(3) });
const event = (seq: number): EventFrame => ({ kind: 'event', sourceId: 't', seq, captureTs: seq, type: 'tick', payload: { n: seq } });
const settled = async (p: Promise<void>) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20))]);

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  journal.clear();
});

describe('a stage input queue', () => {
  it('keep-latest holds only the newest frame and reports each one it discards', () => {
    const dropped: Frame[] = [];
    const queue = new FrameQueue({ mode: 'keep-latest', capacity: 1 }, { onOverflow: (f) => dropped.push(f), onReady: () => undefined });
    for (let seq = 0; seq < 5; seq++) expect(queue.push(video(seq), seq)).toBeUndefined();
    expect(dropped.map((f) => f.seq)).toEqual([0, 1, 2, 3]);
    expect(queue.shift()?.seq).toBe(4);
    expect(queue.shift()).toBeUndefined();
  });

  it('drop-oldest keeps the newest `capacity` frames in order', () => {
    const dropped: Frame[] = [];
    const queue = new FrameQueue({ mode: 'drop-oldest', capacity: 3 }, { onOverflow: (f) => dropped.push(f), onReady: () => undefined });
    for (let seq = 0; seq < 7; seq++) queue.push(video(seq), seq);
    expect(dropped.map((f) => f.seq)).toEqual([0, 1, 2, 3]);
    expect([queue.shift()?.seq, queue.shift()?.seq, queue.shift()?.seq, queue.shift()]).toEqual([4, 5, 6, undefined]);
  });

  it('backpressure never drops: a producer past capacity waits until the consumer takes a frame, in arrival order', async () => {
    const dropped: Frame[] = [];
    const queue = new FrameQueue({ mode: 'backpressure', capacity: 2 }, { onOverflow: (f) => dropped.push(f), onReady: () => undefined });
    expect(queue.push(event(0), 0)).toBeUndefined();
    expect(queue.push(event(1), 1)).toBeUndefined();
    const third = queue.push(event(2), 2)!;
    const fourth = queue.push(event(3), 3)!;
    expect(third).toBeInstanceOf(Promise);
    expect(await settled(third)).toBe(false);
    expect(queue.waiting).toBe(2);

    expect(queue.shift()?.seq).toBe(0);
    expect(await settled(third)).toBe(true);
    expect(await settled(fourth)).toBe(false);
    expect(queue.shift()?.seq).toBe(1);
    expect(await settled(fourth)).toBe(true);
    expect([queue.shift()?.seq, queue.shift()?.seq, queue.shift()]).toEqual([2, 3, undefined]);
    expect(dropped).toEqual([]);
  });

  it('closing releases waiting producers instead of leaving them hung', async () => {
    const queue = new FrameQueue({ mode: 'backpressure', capacity: 1 }, { onOverflow: () => undefined, onReady: () => undefined });
    queue.push(event(0), 0);
    const waiting = queue.push(event(1), 1)!;
    expect(queue.close()).toBe(2);
    expect(await settled(waiting)).toBe(true);
  });
});

describe('queue policies in a running pipeline', () => {
  it('a slow video stage gets the latest frames while the stage before it sees every one', async () => {
    harness = startPipelines([
      {
        id: 'video',
        source: { type: 'synthetic', kind: 'video', rate: 100, width: 16, height: 16 },
        stages: [
          // Room for a burst (a loaded machine delivers timer-paced frames in clumps); it never fills,
          // because the slow stage behind it costs it nothing.
          { id: 'all', type: 'faulty.record', options: { key: 'all' }, queue: { video: { mode: 'drop-oldest', capacity: 32 } } },
          { id: 'slow', type: 'faulty.slow', options: { key: 'slow', ms: 60 } },
        ],
      },
    ]);
    await waitFor('60 frames through the fast stage', () => (journal.get('all')?.frames.length ?? 0) >= 60, 10_000);
    const [fast, slow] = harness.pipelines[0]!.stages;
    const seenBySlow = journal.get('slow')!.frames.map((f) => f.seq);
    // Far fewer frames reached the slow stage, always the newest at the time: never a backlog.
    expect(seenBySlow.length).toBeLessThan(journal.get('all')!.frames.length / 3);
    expect(seenBySlow.every((seq, i) => i === 0 || seq > seenBySlow[i - 1]! + 1)).toBe(true);
    expect(slow!.stats.drops.get('video:overflow')).toBeGreaterThan(20);
    expect(slow!.queueState()[0]!.depth).toBeLessThanOrEqual(1);
    expect(fast!.stats.droppedTotal()).toBe(0);
  });

  it('events under backpressure: nothing is dropped, order is kept, and the producer waits for the slow stage', async () => {
    harness = startPipelines([
      {
        id: 'events',
        source: { type: 'synthetic', kind: 'event', rate: 100_000, count: 150 },
        stages: [{ id: 'slow', type: 'faulty.slow', options: { key: 'slow', ms: 3 }, queue: { event: { mode: 'backpressure', capacity: 5 } } }],
      },
    ]);
    const pipeline = harness.pipelines[0]!;
    const slow = pipeline.stages[0]!;
    let maxLead = 0;
    await waitFor(
      'all 150 events processed',
      () => {
        // The source can never be more than the queue plus one waiting frame ahead of the consumer.
        maxLead = Math.max(maxLead, pipeline.sourceFrames - slow.stats.processed);
        return slow.stats.processed >= 150 && pipeline.sourceFinished;
      },
      15_000,
      2,
    );
    expect(journal.get('slow')!.frames.map((f) => f.seq)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(slow.stats.droppedTotal()).toBe(0);
    expect(maxLead).toBeLessThanOrEqual(5 + 2);
    expect(maxLead).toBeGreaterThanOrEqual(4);
  });
});
