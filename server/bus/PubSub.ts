import type { Logger } from 'pino';
import type { RedisClient } from '../redis/RedisConnection.ts';
import type { PubSubChannel, PubSubChannels } from './PubSubChannels.ts';

type Listener<C extends PubSubChannel> = (message: PubSubChannels[C]) => void;

/** Typed Redis pub/sub with one subscriber connection shared by every listener of this process. */
export class PubSub {
  private readonly publisher: RedisClient;
  private subscriber: RedisClient | undefined;
  private readonly listeners = new Map<string, Set<Listener<PubSubChannel>>>();
  private readonly keyPrefix: string;
  private readonly logger: Logger;

  constructor(options: { client: RedisClient; keyPrefix: string; logger: Logger }) {
    this.publisher = options.client;
    this.keyPrefix = options.keyPrefix;
    this.logger = options.logger;
  }

  private channelKey(channel: PubSubChannel): string {
    return `${this.keyPrefix}ps:${channel}`;
  }

  async publish<C extends PubSubChannel>(channel: C, message: PubSubChannels[C]): Promise<void> {
    await this.publisher.publish(this.channelKey(channel), JSON.stringify(message));
  }

  /** Listen on `channel`; returns an unsubscribe function. */
  async subscribe<C extends PubSubChannel>(channel: C, listener: Listener<C>): Promise<() => Promise<void>> {
    if (!this.subscriber) {
      const sub = this.publisher.duplicate() as RedisClient;
      sub.on('error', () => {
        /* reconnects and resubscribes by itself */
      });
      await sub.connect();
      this.subscriber = sub;
    }
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      await this.subscriber.subscribe(this.channelKey(channel), (raw) => {
        let message: unknown;
        try {
          message = JSON.parse(raw);
        } catch {
          this.logger.warn({ channel }, 'ignored an undecodable pub/sub message');
          return;
        }
        for (const l of this.listeners.get(channel) ?? []) {
          try {
            l(message as PubSubChannels[PubSubChannel]);
          } catch (err) {
            this.logger.error({ channel, err: (err as Error).message }, 'pub/sub listener threw');
          }
        }
      });
    }
    set.add(listener as Listener<PubSubChannel>);
    return async () => {
      set.delete(listener as Listener<PubSubChannel>);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        await this.subscriber?.unsubscribe(this.channelKey(channel)).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    if (this.subscriber?.isOpen) this.subscriber.destroy();
    this.subscriber = undefined;
  }
}
