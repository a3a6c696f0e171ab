import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../server/bus/EventBus.ts';
import type { BusEvent } from '../../server/bus/BusEvents.ts';
import type { BusConsumer } from '../../server/bus/BusConsumer.ts';
import { createLogger } from '../../server/log/logger.ts';
import { RoomcastMetrics } from '../../server/metrics/RoomcastMetrics.ts';
import type { RedisClient } from '../../server/redis/RedisConnection.ts';
import { startTestRedis, type TestRedis } from '../helpers/redisServer.ts';
import { PROJECT_ROOT } from '../helpers/roomcastProcess.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

let redis: TestRedis;
let client: RedisClient;
const logger = createLogger({ level: 'silent' });
const consumers: Array<BusConsumer<'bus.probe'>> = [];
const children: ChildProcess[] = [];
let prefixCounter = 0;

function newBus(overrides: Partial<ConstructorParameters<typeof EventBus>[0]> = {}) {
  return new EventBus({ client, keyPrefix: `t${prefixCounter}:`, maxLength: 10_000, claimIdleMs: 30_000, maxDeliveries: 3, logger, ...overrides });
}

async function consume(bus: EventBus, group: string, handler: (e: BusEvent<'bus.probe'>) => unknown, options: Parameters<EventBus['consume']>[3] = {}) {
  const c = await bus.consume('bus.probe', group, async (e) => void (await handler(e)), { blockMs: 200, ...options });
  consumers.push(c);
  return c;
}

function runConsumerProcess(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(process.execPath, ['server/cli/run-ts.mjs', 'test/fixtures/busConsumerProcess.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, REDIS_URL: redis.url, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  children.push(child);
  return { child, output: () => out };
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = await redis.client('bus-test');
});
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  for (const child of children.splice(0)) child.kill('SIGKILL');
  prefixCounter++;
});
afterAll(async () => {
  await redis.stop();
});

describe('event bus on Redis Streams', () => {
  it('delivers every event of a stream in publish order', async () => {
    const bus = newBus();
    const seen: number[] = [];
    await consume(bus, 'ordered', (e) => void seen.push(e.payload.seq));
    for (let seq = 0; seq < 500; seq++) void bus.publish('bus.probe', { seq, sentAt: Date.now() });
    await waitFor('500 events', () => seen.length === 500);
    expect(seen).toEqual([...Array(500).keys()]);
  });

  it('keeps events published while the consumer is down and delivers them when it returns', async () => {
    const bus = newBus();
    const first: number[] = [];
    const c = await consume(bus, 'returns', (e) => void first.push(e.payload.seq));
    await bus.publish('bus.probe', { seq: 1, sentAt: Date.now() });
    await waitFor('the first event', () => first.length === 1);
    await c.stop();

    for (const seq of [2, 3, 4]) await bus.publish('bus.probe', { seq, sentAt: Date.now() });
    await sleep(300);
    expect(first).toEqual([1]); // nobody consumed them meanwhile

    const later: number[] = [];
    await consume(bus, 'returns', (e) => void later.push(e.payload.seq));
    await waitFor('the missed events', () => later.length === 3);
    expect(later).toEqual([2, 3, 4]);
  });

  it('re-delivers an event whose consumer crashed before acknowledging it, to the same consumer on restart', async () => {
    const bus = newBus({ keyPrefix: 'test:' });
    await client.del('test:bus:bus.probe');
    const crashed = runConsumerProcess({ GROUP: 'crash-same', CONSUMER: 'worker-1', HANG_ON_SEQ: '7' });
    await waitFor('consumer process to start', () => crashed.output().includes('consuming'), 20_000);
    await bus.publish('bus.probe', { seq: 7, sentAt: Date.now() });
    await waitFor('the event to reach the doomed consumer', () => crashed.output().includes('got 7 delivery 1'));
    crashed.child.kill('SIGKILL');
    await new Promise((r) => crashed.child.once('exit', r));

    const restarted = runConsumerProcess({ GROUP: 'crash-same', CONSUMER: 'worker-1' });
    await waitFor('the unacknowledged event to come back', () => restarted.output().includes('got 7'), 20_000);
    expect(restarted.output()).toMatch(/got 7 delivery 2/);
    const pending = await client.xPending('test:bus:bus.probe', 'crash-same');
    await waitFor('the re-delivered event to be acknowledged', async () => (await client.xPending('test:bus:bus.probe', 'crash-same')).pending === 0);
    expect(pending.pending).toBeLessThanOrEqual(1);
  });

  it('lets another consumer of the group claim an event a crashed consumer held too long', async () => {
    const bus = newBus({ keyPrefix: 'test:' });
    await client.del('test:bus:bus.probe');
    const crashed = runConsumerProcess({ GROUP: 'crash-claim', CONSUMER: 'doomed', HANG_ON_SEQ: '9' });
    await waitFor('consumer process to start', () => crashed.output().includes('consuming'), 20_000);
    await bus.publish('bus.probe', { seq: 9, sentAt: Date.now() });
    await waitFor('the event to reach the doomed consumer', () => crashed.output().includes('got 9'));
    crashed.child.kill('SIGKILL');

    const got: Array<BusEvent<'bus.probe'>> = [];
    await consume(bus, 'crash-claim', (e) => void got.push(e), { consumer: 'survivor', claimIdleMs: 500 });
    await waitFor('the survivor to claim the abandoned event', () => got.length === 1, 10_000);
    expect(got[0]!.payload.seq).toBe(9);
    expect(got[0]!.deliveryCount).toBeGreaterThanOrEqual(2);
  });

  it('retries a failing handler, then moves the event to the dead-letter stream and carries on', async () => {
    const bus = newBus({ maxDeliveries: 3 });
    const attempts: number[] = [];
    const handled: number[] = [];
    await consume(bus, 'failing', (e) => {
      if (e.payload.seq === 1) {
        attempts.push(e.deliveryCount);
        throw new Error('handler exploded');
      }
      handled.push(e.payload.seq);
    });
    await bus.publish('bus.probe', { seq: 1, sentAt: Date.now() });
    await bus.publish('bus.probe', { seq: 2, sentAt: Date.now() });
    await waitFor('the next event after the poisoned one', () => handled.includes(2), 10_000);
    expect(attempts).toEqual([1, 2, 3]);
    const dead = await bus.deadLetters('bus.probe');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ payload: { seq: 1 }, group: 'failing', error: 'handler exploded', deliveryCount: 3 });
  });

  it('gives every group every event, and shares a group between its consumers', async () => {
    const bus = newBus();
    const a: number[] = [];
    const b1: number[] = [];
    const b2: number[] = [];
    await consume(bus, 'group-a', (e) => void a.push(e.payload.seq));
    await consume(bus, 'group-b', (e) => void b1.push(e.payload.seq), { consumer: 'b1', batchSize: 1 });
    await consume(bus, 'group-b', (e) => void b2.push(e.payload.seq), { consumer: 'b2', batchSize: 1 });
    for (let seq = 0; seq < 50; seq++) await bus.publish('bus.probe', { seq, sentAt: Date.now() });
    await waitFor('all events in both groups', () => a.length === 50 && b1.length + b2.length === 50);
    expect([...b1, ...b2].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
  });

  it('keeps consuming after Redis drops every client connection', async () => {
    const bus = newBus();
    const seen: number[] = [];
    await consume(bus, 'survives', (e) => void seen.push(e.payload.seq));
    await bus.publish('bus.probe', { seq: 1, sentAt: Date.now() });
    await waitFor('first event', () => seen.length === 1);
    await client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'no']).catch(() => undefined);
    await sleep(200);
    await bus.publish('bus.probe', { seq: 2, sentAt: Date.now() });
    await waitFor('an event after every connection was dropped', () => seen.includes(2), 10_000);
    expect(seen).toEqual([1, 2]);
  });

  it('exports publish/consume counts and consumer lag as metrics', async () => {
    const metrics = new RoomcastMetrics();
    const bus = newBus({ metrics });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await consume(bus, 'metered', () => gate);
    for (let seq = 0; seq < 5; seq++) await bus.publish('bus.probe', { seq, sentAt: Date.now() });
    await sleep(300);
    const during = (await metrics.render()).body;
    expect(during).toMatch(/roomcast_bus_published_total\{stream="bus.probe"\} 5/);
    expect(during).toMatch(/roomcast_bus_consumer_pending\{stream="bus.probe",group="metered"\} [1-5]/);
    release();
    await waitFor('all consumed', async () => /roomcast_bus_consumed_total\{stream="bus.probe",group="metered"\} 5/.test((await metrics.render()).body));
    expect((await metrics.render()).body).toMatch(/roomcast_bus_consumer_lag\{stream="bus.probe",group="metered"\} 0/);
  });
});
