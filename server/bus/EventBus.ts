import os from 'node:os';
import type { Logger } from 'pino';
import type { RedisClient } from '../redis/RedisConnection.ts';
import type { RoomcastMetrics } from '../metrics/RoomcastMetrics.ts';
import type { BusEvent, BusEventType, BusEvents } from './BusEvents.ts';
import { BusConsumer, type ConsumeOptions, type EventHandler } from './BusConsumer.ts';

export interface EventBusOptions {
  /** Commands connection (shared). Each consumer duplicates it for its blocking reads. */
  client: RedisClient;
  keyPrefix: string;
  /** Approximate number of entries kept per stream. */
  maxLength: number;
  claimIdleMs: number;
  maxDeliveries: number;
  logger: Logger;
  metrics?: RoomcastMetrics | undefined;
}

/**
 * Durable, typed events on Redis Streams: one stream per event type, consumer groups for delivery,
 * explicit acknowledgement after the handler succeeds. Delivery is at-least-once, in order per stream
 * for each consumer; an event published while its consumer is down waits in the stream; an event a
 * consumer took but never acknowledged (it crashed) is re-delivered to it on restart, or claimed by
 * another consumer of the group after `claimIdleMs`.
 */
export class EventBus {
  private readonly options: EventBusOptions;
  private readonly consumers = new Set<BusConsumer<BusEventType>>();
  private readonly knownStreams = new Map<string, Set<string>>();

  constructor(options: EventBusOptions) {
    this.options = options;
    options.metrics?.onCollect(() => this.collectLag());
  }

  streamKey(type: BusEventType): string {
    return `${this.options.keyPrefix}bus:${type}`;
  }

  /** Append an event; resolves with its stream id once Redis has it (queued while Redis reconnects). */
  async publish<K extends BusEventType>(type: K, payload: BusEvents[K]): Promise<string> {
    const id = await this.options.client.xAdd(
      this.streamKey(type),
      '*',
      { p: JSON.stringify(payload), ts: String(Date.now()) },
      { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.options.maxLength } },
    );
    this.options.metrics?.busPublished.inc({ stream: type });
    return id;
  }

  /**
   * Deliver events of `type` to `handler` as member `consumer` of `group`. Each group gets every event;
   * consumers in one group share them. Resolves once the group exists (events published from then on
   * are kept for it) and the consumer is reading.
   */
  async consume<K extends BusEventType>(
    type: K,
    group: string,
    handler: EventHandler<K>,
    options: ConsumeOptions = {},
  ): Promise<BusConsumer<K>> {
    const consumer = new BusConsumer<K>({
      type,
      stream: this.streamKey(type),
      group,
      consumer: options.consumer ?? `${os.hostname()}-${process.pid}`,
      handler,
      client: this.options.client,
      claimIdleMs: options.claimIdleMs ?? this.options.claimIdleMs,
      maxDeliveries: options.maxDeliveries ?? this.options.maxDeliveries,
      batchSize: options.batchSize ?? 100,
      blockMs: options.blockMs ?? 5_000,
      startFrom: options.startFrom ?? 'new',
      logger: this.options.logger,
      metrics: this.options.metrics,
    });
    await consumer.start();
    this.consumers.add(consumer as unknown as BusConsumer<BusEventType>);
    consumer.once('stopped', () => this.consumers.delete(consumer as unknown as BusConsumer<BusEventType>));
    const groups = this.knownStreams.get(type) ?? new Set();
    groups.add(group);
    this.knownStreams.set(type, groups);
    return consumer;
  }

  /** Entries of a stream's dead-letter stream (events that failed `maxDeliveries` times). */
  async deadLetters<K extends BusEventType>(type: K, count = 100): Promise<Array<BusEvent<K> & { error: string; group: string }>> {
    const entries = await this.options.client.xRange(`${this.streamKey(type)}:dead`, '-', '+', { COUNT: count });
    return entries.map((entry) => ({
      id: entry.message['id'] ?? entry.id,
      type,
      payload: JSON.parse(entry.message['p'] ?? 'null') as BusEvents[K],
      publishedAt: Number(entry.message['ts']),
      deliveryCount: Number(entry.message['deliveries'] ?? 0),
      error: entry.message['error'] ?? '',
      group: entry.message['group'] ?? '',
    }));
  }

  private async collectLag(): Promise<void> {
    const metrics = this.options.metrics;
    if (!metrics || !this.options.client.isReady) return;
    for (const [type, groups] of this.knownStreams) {
      const infos = (await this.options.client.xInfoGroups(this.streamKey(type as BusEventType)).catch(() => [])) as Array<Record<string, unknown>>;
      for (const info of infos) {
        const group = String(info['name']);
        if (!groups.has(group)) continue;
        metrics.busConsumerLag.set({ stream: type, group }, Number(info['lag'] ?? 0));
        metrics.busConsumerPending.set({ stream: type, group }, Number(info['pending'] ?? 0));
      }
    }
  }

  /** Stop every consumer (each finishes the event it is handling; unacked ones stay pending). */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
  }
}
