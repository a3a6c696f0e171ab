import type { RedisClient } from '../redis/RedisConnection.ts';
import type { OverlayState } from '../protocol/overlayEvents.ts';

/**
 * The durable part of what overlays show, per room. Kept in Redis so an overlay that reconnects (or a
 * server that restarts) replays exactly the same picture.
 */
export class OverlayStateStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  private key(room: string): string {
    return `${this.keyPrefix}overlay:${room}`;
  }

  async get(room: string): Promise<OverlayState> {
    const raw = await this.client.hGetAll(this.key(room));
    return {
      room,
      banner: raw['banner'] ? (JSON.parse(raw['banner']) as OverlayState['banner']) : null,
      revision: Number(raw['revision'] ?? 0),
      updatedAt: Number(raw['updatedAt'] ?? 0),
    };
  }

  /** Set or clear the banner; the revision increases atomically with the change. */
  async setBanner(room: string, text: string | null): Promise<OverlayState> {
    const now = Date.now();
    const banner = text === null ? null : { text };
    const replies = await this.client
      .multi()
      .hSet(this.key(room), { banner: JSON.stringify(banner), updatedAt: String(now) })
      .hIncrBy(this.key(room), 'revision', 1)
      .exec();
    return { room, banner, revision: Number(replies[1]), updatedAt: now };
  }
}
