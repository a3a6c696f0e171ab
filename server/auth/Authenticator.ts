import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from 'pino';
import type { RedisClient } from '../redis/RedisConnection.ts';
import type { RoomcastMetrics } from '../metrics/RoomcastMetrics.ts';
import { roleAtLeast, type Role } from '../protocol/roles.ts';
import type { TokenRecord, TokenStore } from './TokenStore.ts';

export type AuthFailureCode = 'unauthorized' | 'forbidden' | 'rate_limited';

export type AuthResult =
  | { ok: true; record: TokenRecord }
  | { ok: false; code: AuthFailureCode; status: 401 | 403 | 429; message: string; retryAfterSeconds?: number };

export interface AuthenticatorOptions {
  tokens: TokenStore;
  client: RedisClient;
  keyPrefix: string;
  maxFailures: number;
  failureWindowSeconds: number;
  blockSeconds: number;
  logger: Logger;
  metrics?: RoomcastMetrics | undefined;
}

/**
 * Checks a presented token and the role it needs, for HTTP and sockets alike. Wrong tokens count against
 * the client address; past `maxFailures` in the window the address is refused (even with a right token)
 * for `blockSeconds`, which makes guessing pointless. The count lives in Redis so every process shares it.
 */
export class Authenticator {
  private readonly limiter: RateLimiterRedis;
  private readonly o: AuthenticatorOptions;

  constructor(options: AuthenticatorOptions) {
    this.o = options;
    this.limiter = new RateLimiterRedis({
      storeClient: options.client,
      useRedisPackage: true,
      keyPrefix: `${options.keyPrefix}auth:failures`,
      points: options.maxFailures,
      duration: options.failureWindowSeconds,
      blockDuration: options.blockSeconds,
      // Redis briefly away: keep limiting in memory rather than failing open.
      insuranceLimiter: new RateLimiterMemory({
        points: options.maxFailures,
        duration: options.failureWindowSeconds,
        blockDuration: options.blockSeconds,
      }),
    });
  }

  async authenticate(token: string | undefined, required: Role, client: { address: string; transport: 'http' | 'socket' }): Promise<AuthResult> {
    const blocked = await this.limiter.get(client.address).catch(() => null);
    if (blocked && blocked.consumedPoints > this.o.maxFailures) {
      return this.rateLimited(blocked, client);
    }
    if (!token) {
      return {
        ok: false,
        code: 'unauthorized',
        status: 401,
        message: 'missing token: send "Authorization: Bearer <token>" (create one with: roomcast token create --role operator)',
      };
    }
    const record = await this.o.tokens.verify(token);
    if (!record) {
      this.o.metrics?.authFailures.inc({ transport: client.transport, reason: 'bad_token' });
      try {
        await this.limiter.consume(client.address);
      } catch (res) {
        if (res instanceof RateLimiterRes) return this.rateLimited(res, client);
        throw res;
      }
      return { ok: false, code: 'unauthorized', status: 401, message: 'invalid or revoked token' };
    }
    if (!roleAtLeast(record.role, required)) {
      this.o.metrics?.authFailures.inc({ transport: client.transport, reason: 'forbidden' });
      return { ok: false, code: 'forbidden', status: 403, message: `this needs the ${required} role; the token "${record.id}" has the ${record.role} role` };
    }
    return { ok: true, record };
  }

  private rateLimited(res: RateLimiterRes, client: { address: string; transport: string }): AuthResult {
    const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    this.o.metrics?.authFailures.inc({ transport: client.transport, reason: 'rate_limited' });
    this.o.logger.warn({ address: client.address, retryAfterSeconds }, 'too many failed token attempts; client blocked');
    return {
      ok: false,
      code: 'rate_limited',
      status: 429,
      message: `too many failed token attempts from ${client.address}; try again in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    };
  }
}

/** `Bearer <token>` from an Authorization header value. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
