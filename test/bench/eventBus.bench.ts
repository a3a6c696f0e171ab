import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedRedis } from '../../server/redis/EmbeddedRedis.ts';
import { connectRedisClient, createRedisClient } from '../../server/redis/RedisConnection.ts';
import { EventBus } from '../../server/bus/EventBus.ts';
import { createLogger } from '../../server/log/logger.ts';
import { fmt, percentile, type BenchRow } from './BenchRow.ts';

const SUITE = 'event bus (private Redis)';

/**
 * Publish -> consume through the same private Redis `npm start` runs (unix socket, AOF everysec), with
 * redis-benchmark's XADD on that Redis as the ceiling.
 */
export async function benchEventBus(): Promise<BenchRow[]> {
  const logger = createLogger({ level: 'silent' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-bench-'));
  const redis = new EmbeddedRedis({ dataDir, binary: 'redis-server', logger });
  await redis.start();
  const endpoint = { socketPath: redis.socketPath };
  const client = await connectRedisClient(createRedisClient(endpoint, { name: 'bench' }), endpoint);
  const rows: BenchRow[] = [];
  try {
    const bus = new EventBus({ client, keyPrefix: 'bench:', maxLength: 1_000_000, claimIdleMs: 30_000, maxDeliveries: 3, logger });

    // 1. Throughput: 100k events published with up to 1,000 in flight, one consumer group draining.
    const total = 100_000;
    let consumed = 0;
    let done!: () => void;
    const allConsumed = new Promise<void>((r) => (done = r));
    const throughputConsumer = await bus.consume('bus.probe', 'throughput', () => {
      if (++consumed === total) done();
    }, { batchSize: 500, blockMs: 1_000 });
    const started = performance.now();
    const inFlight = new Set<Promise<unknown>>();
    for (let seq = 0; seq < total; seq++) {
      const p = bus.publish('bus.probe', { seq, sentAt: Date.now() }).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 1_000) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const publishSeconds = (performance.now() - started) / 1000;
    await allConsumed;
    const endToEndSeconds = (performance.now() - started) / 1000;
    await throughputConsumer.stop();
    rows.push({ suite: SUITE, figure: 'publish rate (1,000 in flight)', value: `${fmt(total / publishSeconds, 0)} events/s` });
    rows.push({ suite: SUITE, figure: 'publish -> consumed+acked, sustained', value: `${fmt(total / endToEndSeconds, 0)} events/s`, aim: '>= 20,000 events/s', met: total / endToEndSeconds >= 20_000 });

    // 2. Latency at a steady 2,000 events/s for 5 s (what live effects and alerts look like).
    const latencies: number[] = [];
    const latencyConsumer = await bus.consume('bus.probe', 'latency', (event) => {
      latencies.push(performance.timeOrigin + performance.now() - event.payload.sentAt);
    }, { batchSize: 100, blockMs: 1_000 });
    const rate = 2_000;
    const count = rate * 5;
    const t0 = performance.now();
    for (let seq = 0; seq < count; seq++) {
      const due = t0 + (seq * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      void bus.publish('bus.probe', { seq, sentAt: performance.timeOrigin + performance.now() });
    }
    const deadline = Date.now() + 10_000;
    while (latencies.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await latencyConsumer.stop();
    const sorted = latencies.slice(Math.floor(count * 0.05)).sort((a, b) => a - b); // drop warm-up
    const p99 = percentile(sorted, 99);
    rows.push({ suite: SUITE, figure: `publish -> handler latency p50 @ ${fmt(rate)}/s`, value: `${fmt(percentile(sorted, 50))} ms` });
    rows.push({ suite: SUITE, figure: `publish -> handler latency p99 @ ${fmt(rate)}/s`, value: `${fmt(p99)} ms`, aim: '<= 5 ms', met: p99 <= 5 });

    // 3. Ceiling: redis-benchmark XADD on the same Redis (50 clients; then pipelined 16 deep).
    for (const pipeline of [1, 16]) {
      const res = spawnSync('redis-benchmark', ['-s', redis.socketPath, '-n', '200000', '-c', '50', '-P', String(pipeline), '-q', 'XADD', 'bench:ceiling', 'MAXLEN', '~', '100000', '*', 'p', '{"seq":1}'], { encoding: 'utf8' });
      const match = /([\d.]+) requests per second/.exec(res.stdout);
      rows.push({
        suite: SUITE,
        figure: `ceiling: redis-benchmark XADD, 50 clients, pipeline ${pipeline}`,
        value: match ? `${fmt(Number(match[1]), 0)} ops/s` : `n/a (${(res.stderr || res.stdout).trim().slice(0, 60)})`,
      });
    }
  } finally {
    client.destroy();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
