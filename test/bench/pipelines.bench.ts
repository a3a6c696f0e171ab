import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { createLogger } from '../../server/log/logger.ts';
import { defineStage, type AnyStageDefinition } from '../../pipelines/Stage.ts';
import type { EventFrame, Frame } from '../../pipelines/frames.ts';
import { StageCatalog } from '../../pipelines/StageCatalog.ts';
import { pipelineSpecSchema } from '../../pipelines/config/pipelineConfigSchema.ts';
import { Pipeline } from '../../pipelines/engine/Pipeline.ts';
import type { PipelineSource, PushFrame } from '../../pipelines/sources/PipelineSource.ts';
import { fmt, percentile, type BenchRow } from './BenchRow.ts';

const SUITE = 'pipelines (stage engine)';
const logger = createLogger({ level: 'silent' });

/** A stage that does nothing but hand the frame on: what is left is the engine's own cost. */
const passAsync = defineStage({
  type: 'bench.pass',
  description: 'await emit(frame)',
  optionsSchema: z.strictObject({}),
  inputs: ['event', 'video'],
  outputs: ['event', 'video'],
  create: () => ({
    async process(frame, emit) {
      await emit(frame);
    },
  }),
});

/** The same without async/await (process returns emit's promise). */
const passSync = defineStage({
  type: 'bench.pass-sync',
  description: 'return emit(frame)',
  optionsSchema: z.strictObject({}),
  inputs: ['event', 'video'],
  outputs: ['event', 'video'],
  create: () => ({ process: (frame, emit) => emit(frame) }),
});

/** Counts what reaches the end; resolves `done` after `expected` frames. */
function counter(expected: number, onFrame?: (frame: Frame) => void) {
  let seen = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const stage = defineStage({
    type: 'bench.count',
    description: 'count frames',
    optionsSchema: z.strictObject({}),
    inputs: ['event', 'video'],
    outputs: [],
    create: () => ({
      process(frame) {
        onFrame?.(frame);
        if (++seen === expected) resolve();
      },
    }),
  });
  return { stage, done };
}

/** Pushes `count` events as fast as the pipeline accepts them (awaiting under backpressure). */
class BurstSource implements PipelineSource {
  readonly kinds = ['event'] as const;
  readonly description = 'burst';
  pushedAt = 0;
  finishedAt = 0;
  constructor(private readonly count: number) {}
  async run(push: PushFrame): Promise<void> {
    this.pushedAt = performance.now();
    for (let seq = 0; seq < this.count; seq++) {
      const frame: EventFrame = { kind: 'event', sourceId: 'bench', seq, captureTs: performance.now(), type: 'tick', payload: seq };
      const wait = push(frame);
      if (wait) await wait;
    }
    this.finishedAt = performance.now();
  }
}

async function run(stages: AnyStageDefinition[], count: number, capacity: number, onFrame?: (frame: Frame) => void) {
  const end = counter(count, onFrame);
  const all = [...stages, end.stage];
  const catalog = new StageCatalog(all.filter((s, i) => all.findIndex((t) => t.type === s.type) === i));
  const spec = pipelineSpecSchema(catalog).parse({
    id: 'bench',
    source: { type: 'synthetic', kind: 'event' },
    stages: all.map((s, i) => ({ id: `s${i}`, type: s.type, queue: { event: { mode: 'backpressure', capacity } } })),
  });
  const source = new BurstSource(count);
  const pipeline = new Pipeline({
    spec,
    room: undefined,
    source,
    stages: all,
    sinks: [],
    logger,
    stagesDataDir: path.join(os.tmpdir(), 'roomcast-bench-pipelines'),
    onProblems: () => undefined,
  });
  const started = performance.now();
  pipeline.start();
  await end.done;
  const seconds = (performance.now() - started) / 1000;
  const dropped = pipeline.stages.reduce((n, s) => n + s.stats.droppedTotal(), 0);
  await pipeline.stop();
  return { seconds, dropped };
}

/**
 * The engine's own cost: events pushed as fast as possible through N stages that only pass frames on
 * (backpressure queues, so nothing is dropped and the figure is pure overhead), end-to-end event
 * throughput with small and large queues, and the latency a frame sees crossing 5 stages.
 */
export async function benchPipelines(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const count = 200_000;
  await run([passAsync], 20_000, 1000); // warm up the JIT

  for (const n of [1, 5, 10]) {
    const { seconds, dropped } = await run(Array.from({ length: n }, () => passAsync), count, 1000);
    const perStageUs = (seconds * 1e6) / count / (n + 1);
    rows.push({
      suite: SUITE,
      figure: `overhead per frame per stage, ${n} pass-through stage${n > 1 ? 's' : ''} (async process)`,
      value: `${fmt(perStageUs, 2)} µs${dropped ? ` (${dropped} dropped!)` : ''}`,
      aim: '<= 20 µs',
      met: perStageUs <= 20 && dropped === 0,
    });
  }
  {
    const n = 5;
    const { seconds } = await run(Array.from({ length: n }, () => passSync), count, 1000);
    rows.push({ suite: SUITE, figure: `overhead per frame per stage, ${n} stages returning emit() (no async)`, value: `${fmt((seconds * 1e6) / count / (n + 1), 2)} µs` });
  }

  for (const capacity of [1000, 10]) {
    const { seconds, dropped } = await run([passAsync, passAsync, passAsync], count, capacity);
    const rate = count / seconds;
    rows.push({
      suite: SUITE,
      figure: `events through 3 stages + counter, backpressure queues of ${capacity}`,
      value: `${fmt(rate, 0)} events/s, ${dropped} dropped`,
      aim: '>= 50,000 events/s, 0 dropped',
      met: rate >= 50_000 && dropped === 0,
    });
  }

  {
    // Latency through 5 stages at a paced 1,000 events/s (not a burst): capture -> last stage.
    const latencies: number[] = [];
    const paced = 3_000;
    const end = counter(paced, (frame) => latencies.push(performance.now() - frame.captureTs));
    const stages = [passAsync, passAsync, passAsync, passAsync, passAsync];
    const all = [...stages, end.stage];
    const catalog = new StageCatalog([passAsync, end.stage]);
    const spec = pipelineSpecSchema(catalog).parse({ id: 'latency', source: { type: 'synthetic', kind: 'event' }, stages: all.map((s, i) => ({ id: `s${i}`, type: s.type })) });
    const source: PipelineSource = {
      kinds: ['event'],
      description: 'paced',
      async run(push) {
        const t0 = performance.now();
        for (let seq = 0; seq < paced; seq++) {
          const due = t0 + seq;
          while (performance.now() < due) await new Promise((r) => setImmediate(r));
          const wait = push({ kind: 'event', sourceId: 'bench', seq, captureTs: performance.now(), type: 'tick', payload: seq });
          if (wait) await wait;
        }
      },
    };
    const pipeline = new Pipeline({ spec, room: undefined, source, stages: all, sinks: [], logger, stagesDataDir: os.tmpdir(), onProblems: () => undefined });
    pipeline.start();
    await end.done;
    await pipeline.stop();
    latencies.sort((a, b) => a - b);
    rows.push({ suite: SUITE, figure: 'source -> 6th stage latency p50 @ 1,000 events/s', value: `${fmt(percentile(latencies, 50) * 1000, 0)} µs` });
    rows.push({ suite: SUITE, figure: 'source -> 6th stage latency p99 @ 1,000 events/s', value: `${fmt(percentile(latencies, 99) * 1000, 0)} µs`, aim: '<= 1 ms', met: percentile(latencies, 99) <= 1 });
  }
  return rows;
}
