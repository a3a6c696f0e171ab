import { afterEach, describe, expect, it } from 'vitest';
import { journal } from './fixtures/faultyStages.ts';
import { sample, startPipelines, type Harness } from './engineHarness.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  journal.clear();
});

const fastRestarts = { initialDelayMs: 50, maxDelayMs: 2_000, stableAfterMs: 10_000 };
const flowing = (id: string, key: string) => ({
  id,
  source: { type: 'synthetic', kind: 'video', rate: 50, width: 16, height: 16 },
  stages: [{ id: 'record', type: 'faulty.record', options: { key } }],
});

describe('a stage that throws', () => {
  it('is restarted with exponential backoff and reported, while another pipeline keeps flowing', async () => {
    harness = startPipelines([
      {
        id: 'broken',
        source: { type: 'synthetic', kind: 'video', rate: 50, width: 16, height: 16 },
        stages: [{ id: 'thrower', type: 'faulty.throw', options: { key: 'thrower', message: 'model exploded' } }],
        restart: fastRestarts,
      },
      flowing('healthy', 'healthy'),
    ]);
    const [broken] = harness.pipelines;
    const thrower = broken!.stages[0]!;
    await waitFor('five instances of the throwing stage', () => (journal.get('thrower')?.creates.length ?? 0) >= 5, 10_000);
    const healthyBefore = journal.get('healthy')!.frames.length;

    // The delays chosen double (50, 100, 200, 400 ms), and each new instance really waited that long.
    const delays = [...new Set(harness.problems.get('broken')!.flat().map((p) => /restart #(\d+) in (\d+) ms/.exec(p)).filter((m) => m !== null).map((m) => `${m[1]}:${m[2]}`))]
      .map((s) => Number(s.split(':')[1]));
    expect(delays.slice(0, 4)).toEqual([50, 100, 200, 400]);
    const creates = journal.get('thrower')!.creates;
    const gaps = creates.slice(1).map((t, i) => t - creates[i]!);
    // Timers are never early (1 ms of clock granularity aside); under load they may be late.
    gaps.slice(0, 4).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(delays[i]! - 1));
    expect(thrower.stats.restarts).toBeGreaterThanOrEqual(4);
    expect(thrower.stats.errors).toBe(thrower.stats.drops.get('video:error'));
    expect(thrower.lastError?.message).toMatch(/model exploded at frame \d+/);
    expect(thrower.lastBackoffMs).toBeGreaterThanOrEqual(400);

    const reported = harness.problems.get('broken')!.flat();
    expect(reported.some((p) => /stage "thrower" \(faulty\.throw\) process\(\) threw: model exploded at frame \d+; restart #\d+ in \d+ ms/.test(p))).toBe(true);
    expect(harness.problems.get('healthy')!.flat()).toEqual([]);

    await sleep(300);
    expect(journal.get('healthy')!.frames.length).toBeGreaterThanOrEqual(healthyBefore + 8);

    const metrics = await harness.metricsText();
    expect(sample(metrics, 'roomcast_pipeline_stage_restarts_total', { pipeline: 'broken', stage: 'thrower' })).toBeGreaterThanOrEqual(4);
    expect(sample(metrics, 'roomcast_pipeline_stage_errors_total', { pipeline: 'broken', stage: 'thrower' })).toBeGreaterThanOrEqual(4);
    expect(sample(metrics, 'roomcast_pipeline_stage_errors_total', { pipeline: 'healthy', stage: 'record' })).toBe(0);
  });

  it('recovers: after running without failures for stableAfterMs the problem clears and the backoff starts over', async () => {
    harness = startPipelines([
      {
        id: 'flaky',
        source: { type: 'synthetic', kind: 'event', rate: 20 },
        // Frame 0 throws; the restarted instance sees 1, 2, ... and never throws again.
        stages: [{ id: 'thrower', type: 'faulty.throw', options: { key: 'flaky', every: 1_000_000 } }],
        restart: { initialDelayMs: 50, maxDelayMs: 1_000, stableAfterMs: 400 },
      },
    ]);
    const thrower = harness.pipelines[0]!.stages[0]!;
    await waitFor('the first failure to be reported', () => harness!.problems.get('flaky')!.length >= 1, 5_000);
    expect(harness.problems.get('flaky')![0]![0]).toMatch(/process\(\) threw: boom at frame 0/);
    await waitFor('the problem to clear', () => harness!.problems.get('flaky')!.at(-1)!.length === 0, 5_000);
    expect(thrower.stats.restarts).toBe(1);
    expect(thrower.problem).toBeUndefined();
    expect(thrower.state).toBe('running');
  });
});

describe('a stage that cannot start', () => {
  it('is retried with backoff, reported with the reason, and runs once create() succeeds; its queue waits meanwhile', async () => {
    harness = startPipelines([
      {
        id: 'model',
        source: { type: 'synthetic', kind: 'event', rate: 50 },
        stages: [{ id: 'hands', type: 'faulty.bad-start', options: { key: 'model', failures: 2 } }],
        restart: fastRestarts,
      },
    ]);
    const hands = harness.pipelines[0]!.stages[0]!;
    await waitFor('the third create to succeed and frames to flow', () => (journal.get('model')?.frames.length ?? 0) >= 5, 5_000);
    expect(journal.get('model')!.creates).toHaveLength(3);
    expect(hands.stats.errors).toBe(2);
    expect(hands.stats.restarts).toBe(2);
    expect(harness.problems.get('model')!.flat()).toEqual(
      expect.arrayContaining([expect.stringMatching(/stage "hands" \(faulty\.bad-start\) could not start: model file missing: hands\.tflite \(attempt 2\); restart #2 in 100 ms/)]),
    );
    // Events are never dropped: the ones that arrived while it was starting are processed in order.
    const seqs = journal.get('model')!.frames.map((f) => f.seq);
    expect(seqs.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(hands.stats.droppedTotal()).toBe(0);
  });
});

describe('a stage that stalls', () => {
  it('does not stall the stage before it or another pipeline; its queue sheds and its drops show in metrics', async () => {
    harness = startPipelines([
      {
        id: 'stuck',
        source: { type: 'synthetic', kind: 'video', rate: 50, width: 16, height: 16 },
        stages: [
          { id: 'before', type: 'faulty.record', options: { key: 'before' }, queue: { video: { mode: 'drop-oldest', capacity: 32 } } },
          { id: 'hang', type: 'faulty.stall', options: { key: 'hang', after: 3 }, stallTimeoutMs: 1_500 },
        ],
        restart: fastRestarts,
      },
      flowing('other', 'other'),
    ]);
    const [stuck] = harness.pipelines;
    const hang = stuck!.stages[1]!;
    await waitFor('the stage to hang', () => hang.busyForMs() !== undefined && hang.busyForMs()! > 300, 5_000);
    const before = journal.get('before')!.frames.length;
    const other = journal.get('other')!.frames.length;
    await sleep(500);
    // ~25 frames in 500 ms at 50 fps (fewer on a loaded machine): both keep going while `hang` is stuck.
    expect(journal.get('before')!.frames.length - before).toBeGreaterThanOrEqual(8);
    expect(journal.get('other')!.frames.length - other).toBeGreaterThanOrEqual(8);
    expect(journal.get('hang')!.frames.length).toBe(4);

    const metrics = await harness.metricsText();
    expect(sample(metrics, 'roomcast_pipeline_stage_dropped_total', { pipeline: 'stuck', stage: 'hang', kind: 'video', reason: 'overflow' })).toBeGreaterThanOrEqual(8);
    expect(sample(metrics, 'roomcast_pipeline_stage_dropped_total', { pipeline: 'stuck', stage: 'before', kind: 'video', reason: 'overflow' })).toBe(0);
    expect(sample(metrics, 'roomcast_pipeline_stage_queue_depth', { pipeline: 'stuck', stage: 'hang', kind: 'video' })).toBe(1);

    // After the stall timeout it is abandoned and restarted, and says so.
    await waitFor('the stall to be detected', () => hang.stats.stalls >= 1, 5_000);
    await waitFor('a new instance', () => journal.get('hang')!.creates.length >= 2, 5_000);
    expect(hang.stats.drops.get('video:stall')).toBeGreaterThanOrEqual(1);
    expect(harness.problems.get('stuck')!.flat().some((p) => /stage "hang" \(faulty\.stall\) stalled: process\(\) has not returned for \d+ ms \(stall timeout 1500 ms\)/.test(p))).toBe(true);
    expect(harness.problems.get('other')!.flat()).toEqual([]);
  });

  it('stopping a pipeline with a hung stage finishes promptly', async () => {
    harness = startPipelines([
      {
        id: 'hung',
        source: { type: 'synthetic', kind: 'event', rate: 100 },
        stages: [{ id: 'hang', type: 'faulty.stall', options: { key: 'hung' }, stallTimeoutMs: 60_000 }],
      },
    ]);
    await waitFor('the stage to hang', () => (journal.get('hung')?.frames.length ?? 0) >= 1, 5_000);
    await sleep(100);
    const started = Date.now();
    await harness.stop();
    harness = undefined;
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

describe('deadlines', () => {
  it('frames over the deadline are counted, including one still running, and a stage that keeps missing is reported', async () => {
    harness = startPipelines([
      {
        id: 'late',
        source: { type: 'synthetic', kind: 'event', rate: 20 },
        stages: [
          { id: 'quick', type: 'faulty.slow', options: { key: 'quick', ms: 1 }, deadlineMs: 250 },
          { id: 'slow', type: 'faulty.slow', options: { key: 'slow', ms: 40 } },
          { id: 'hang', type: 'faulty.stall', options: { key: 'late-hang', after: 2 }, deadlineMs: 100 },
        ],
      },
    ]);
    const [quick, slow, hang] = harness.pipelines[0]!.stages;
    await waitFor('10 frames through the slow stage', () => slow!.stats.latencyCount >= 10, 5_000);
    // faulty.slow declares deadlineMs 20; 40 ms per frame misses every time.
    expect(slow!.stats.deadlineMisses).toBeGreaterThanOrEqual(slow!.stats.latencyCount);
    expect(slow!.stats.deadlineMisses).toBeGreaterThanOrEqual(9);
    expect(quick!.stats.deadlineMisses).toBe(0);
    // The hung frame is counted once it overruns, long before any stall handling.
    await waitFor('the hung frame to count as a miss', () => hang!.stats.deadlineMisses >= 1 && hang!.busyForMs() !== undefined, 5_000);
    expect(hang!.stats.stalls).toBe(0);
    await waitFor('the slow stage to be reported', () => harness!.problems.get('late')!.flat().some((p) => /stage "slow" misses its 20 ms deadline on \d+% of recent frames/.test(p)), 5_000);
    const metrics = await harness.metricsText();
    expect(sample(metrics, 'roomcast_pipeline_stage_deadline_misses_total', { pipeline: 'late', stage: 'slow' })).toBeGreaterThanOrEqual(9);
    expect(sample(metrics, 'roomcast_pipeline_stage_processing_seconds', { pipeline: 'late', stage: 'slow', quantile: '0.5' })).toBeGreaterThanOrEqual(0.039);
    expect(sample(metrics, 'roomcast_pipeline_stage_processing_seconds_count', { pipeline: 'late', stage: 'slow' })).toBeGreaterThanOrEqual(10);
  });
});
