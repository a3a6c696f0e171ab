import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { RedisClient } from '../redis/RedisConnection.ts';
import type { RoomcastMetrics } from '../metrics/RoomcastMetrics.ts';
import type { BusEvent, BusEventType, BusEvents } from './BusEvents.ts';

export type EventHandler<K extends BusEventType> = (event: BusEvent<K>) => Promise<void> | void;

export interface ConsumeOptions {
  /** Consumer name within the group. Reuse the same name across restarts to get your own unacked events back at once. */
  consumer?: string;
  /** Where a group that doesn't exist yet starts: only new events (default) or everything still in the stream. */
  startFrom?: 'new' | 'beginning';
  batchSize?: number;
  /** How long one blocking read waits before looping (bounds shutdown and claim latency). */
  blockMs?: number;
  claimIdleMs?: number;
  maxDeliveries?: number;
}

export interface BusConsumerOptions<K extends BusEventType> {
  type: K;
  stream: string;
  group: string;
  consumer: string;
  handler: EventHandler<K>;
  client: RedisClient;
  claimIdleMs: number;
  maxDeliveries: number;
  batchSize: number;
  blockMs: number;
  startFrom: 'new' | 'beginning';
  logger: Logger;
  metrics?: RoomcastMetrics | undefined;
}

export interface BusConsumerEvents<K extends BusEventType> {
  /** An event failed `maxDeliveries` times (or could not be decoded) and was moved to `<stream>:dead`. */
  'dead-letter': [event: BusEvent<K>, error: Error];
  stopped: [];
}

interface RawEntry {
  id: string;
  message: Record<string, string> | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STALE_CONSUMER_MS = 24 * 3600_000;

/** One member of a consumer group: reads, hands each event to the handler in order, acks on success. */
export class BusConsumer<K extends BusEventType> extends EventEmitter<BusConsumerEvents<K>> {
  private readonly o: BusConsumerOptions<K>;
  private readonly log: Logger;
  private reader: RedisClient | undefined;
  private running = false;
  private blocked = false;
  private loop: Promise<void> | undefined;

  constructor(options: BusConsumerOptions<K>) {
    super();
    this.o = options;
    this.log = options.logger.child({ component: 'event-bus', stream: options.type, group: options.group, consumer: options.consumer });
  }

  get name(): string {
    return this.o.consumer;
  }

  async start(): Promise<void> {
    // Blocking reads get their own connection so they never hold up publishes and acks.
    const reader = this.o.client.duplicate() as RedisClient;
    reader.on('error', () => {
      /* reconnects by itself; read errors surface in the loop */
    });
    await reader.connect();
    this.reader = reader;
    await this.ensureGroup();
    this.running = true;
    this.loop = this.run();
  }

  private async ensureGroup(): Promise<void> {
    try {
      await this.o.client.xGroupCreate(this.o.stream, this.o.group, this.o.startFrom === 'new' ? '$' : '0', { MKSTREAM: true });
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  private async run(): Promise<void> {
    // After a (re)start, first re-deliver what this consumer took but never acknowledged.
    let readOwnPending = true;
    let lastClaimAt = 0;
    let failures = 0;
    while (this.running) {
      try {
        if (readOwnPending) {
          const entries = await this.read('0', false);
          if (entries.length === 0) readOwnPending = false;
          else await this.handleBatch(entries, true);
        } else if (Date.now() - lastClaimAt >= this.o.claimIdleMs / 2) {
          lastClaimAt = Date.now();
          await this.claimAbandoned();
        } else {
          const entries = await this.read('>', true);
          await this.handleBatch(entries, false);
        }
        failures = 0;
      } catch (err) {
        if (!this.running) break;
        const message = (err as Error).message ?? String(err);
        if (message.includes('NOGROUP')) {
          // The stream or group vanished (Redis restarted without persistence, or someone deleted it).
          await this.ensureGroup().catch(() => undefined);
          readOwnPending = true;
        }
        failures++;
        if (failures === 1 || failures % 50 === 0) this.log.warn({ err: message }, 'event bus read failed; retrying');
        await sleep(Math.min(50 * 2 ** Math.min(failures, 6), 2_000));
      }
    }
  }

  private async read(id: '0' | '>', block: boolean): Promise<RawEntry[]> {
    const client = block ? this.reader! : this.o.client;
    this.blocked = block;
    try {
      const reply = (await client.xReadGroup(
        this.o.group,
        this.o.consumer,
        { key: this.o.stream, id },
        block ? { COUNT: this.o.batchSize, BLOCK: this.o.blockMs } : { COUNT: this.o.batchSize },
      )) as Array<{ name: string; messages: RawEntry[] }> | null;
      return reply?.[0]?.messages ?? [];
    } finally {
      this.blocked = false;
    }
  }

  /** Take over events that another (crashed) consumer of the group has held longer than claimIdleMs. */
  private async claimAbandoned(): Promise<void> {
    let cursor = '0-0';
    for (let rounds = 0; rounds < 100 && this.running; rounds++) {
      const reply = (await this.o.client.xAutoClaim(this.o.stream, this.o.group, this.o.consumer, this.o.claimIdleMs, cursor, {
        COUNT: this.o.batchSize,
      })) as { nextId: string; messages: Array<RawEntry | null>; deletedMessages: string[] };
      const claimed = reply.messages.filter((m): m is RawEntry => m !== null);
      if (claimed.length) {
        this.log.info({ count: claimed.length }, 'claimed events abandoned by another consumer');
        await this.handleBatch(claimed, true);
      }
      if (reply.deletedMessages.length) await this.o.client.xAck(this.o.stream, this.o.group, reply.deletedMessages);
      cursor = reply.nextId;
      if (cursor === '0-0') break;
    }
    await this.forgetStaleConsumers();
  }

  private async forgetStaleConsumers(): Promise<void> {
    const consumers = (await this.o.client.xInfoConsumers(this.o.stream, this.o.group)) as Array<Record<string, unknown>>;
    for (const c of consumers) {
      const name = String(c['name']);
      if (name !== this.o.consumer && Number(c['pending']) === 0 && Number(c['idle']) > STALE_CONSUMER_MS) {
        await this.o.client.xGroupDelConsumer(this.o.stream, this.o.group, name);
      }
    }
  }

  private async deliveryCounts(entries: RawEntry[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (!entries.length) return counts;
    const pending = (await this.o.client.xPendingRange(this.o.stream, this.o.group, entries[0]!.id, entries.at(-1)!.id, entries.length + 10)) as Array<{
      id: string;
      deliveriesCounter: number;
    }>;
    for (const p of pending) counts.set(p.id, p.deliveriesCounter);
    return counts;
  }

  private async handleBatch(entries: RawEntry[], redelivered: boolean): Promise<void> {
    const counts = redelivered ? await this.deliveryCounts(entries) : undefined;
    const acks: Array<Promise<unknown>> = [];
    for (const entry of entries) {
      if (!this.running) break;
      if (!entry.message) {
        // Trimmed from the stream while pending: nothing left to deliver.
        acks.push(this.o.client.xAck(this.o.stream, this.o.group, entry.id));
        continue;
      }
      const handled = await this.handleOne(entry, entry.message, counts?.get(entry.id) ?? 1);
      if (handled) acks.push(this.o.client.xAck(this.o.stream, this.o.group, entry.id));
    }
    await Promise.all(acks);
  }

  /** Returns true when the entry should be acknowledged (handled, or dead-lettered). */
  private async handleOne(entry: RawEntry, message: Record<string, string>, initialDeliveries: number): Promise<boolean> {
    const publishedAt = Number(message['ts']);
    let payload: BusEvents[K];
    try {
      payload = JSON.parse(message['p'] ?? '') as BusEvents[K];
    } catch (err) {
      const event = { id: entry.id, type: this.o.type, payload: null as unknown as BusEvents[K], publishedAt, deliveryCount: initialDeliveries };
      await this.deadLetter(event, message, new Error(`undecodable payload: ${(err as Error).message}`));
      return true;
    }
    const labels = { stream: this.o.type, group: this.o.group };
    this.o.metrics?.busDeliveryLatency.observe({ stream: this.o.type }, Math.max(0, Date.now() - publishedAt) / 1000);
    for (let deliveryCount = initialDeliveries; this.running; deliveryCount++) {
      const event: BusEvent<K> = { id: entry.id, type: this.o.type, payload, publishedAt, deliveryCount };
      try {
        await this.o.handler(event);
        this.o.metrics?.busConsumed.inc(labels);
        return true;
      } catch (err) {
        this.o.metrics?.busHandlerFailures.inc(labels);
        const error = err instanceof Error ? err : new Error(String(err));
        if (deliveryCount >= this.o.maxDeliveries) {
          await this.deadLetter(event, message, error);
          return true;
        }
        this.log.warn({ eventId: entry.id, deliveryCount, err: error.message }, 'event handler failed; retrying');
        await sleep(Math.min(100 * 2 ** (deliveryCount - 1), 5_000));
      }
    }
    return false; // stopping: leave it pending for the next start
  }

  private async deadLetter(event: BusEvent<K>, message: Record<string, string>, error: Error): Promise<void> {
    this.log.error({ eventId: event.id, deliveryCount: event.deliveryCount, err: error.message }, 'event moved to dead-letter stream');
    await this.o.client.xAdd(`${this.o.stream}:dead`, '*', {
      ...message,
      id: event.id,
      group: this.o.group,
      deliveries: String(event.deliveryCount),
      error: error.message.slice(0, 2000),
    });
    this.o.metrics?.busDeadLettered.inc({ stream: this.o.type, group: this.o.group });
    this.emit('dead-letter', event, error);
  }

  /**
   * Stop reading. The event being handled finishes and is acknowledged; nothing else is taken.
   * Unacknowledged events stay pending in Redis for the next start.
   */
  async stop(): Promise<void> {
    if (!this.running && !this.loop) return;
    this.running = false;
    // A blocking read can't be cancelled politely: drop its connection so the loop sees the stop now.
    if (this.blocked) this.reader?.destroy();
    await this.loop;
    this.loop = undefined;
    if (this.reader?.isOpen) this.reader.destroy();
    this.emit('stopped');
  }
}
