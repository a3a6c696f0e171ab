import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '../redis/RedisConnection.ts';
import type { Role } from '../protocol/roles.ts';

/** What the server keeps about a token. The token itself is never stored, only its SHA-256. */
export interface TokenRecord {
  id: string;
  role: Role;
  label?: string | undefined;
  createdAt: number;
}

export const TOKEN_PREFIX = 'rct_';
const TOKEN_SHAPE = /^rct_[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/**
 * API tokens in Redis. Tokens carry 256 random bits, so a fast hash is enough (no password stretching
 * needed) and lookups are a single HGET by hash.
 */
export class TokenStore {
  private readonly byHash: string;
  private readonly idToHash: string;

  constructor(
    private readonly client: RedisClient,
    keyPrefix: string,
  ) {
    this.byHash = `${keyPrefix}auth:tokens`;
    this.idToHash = `${keyPrefix}auth:token-ids`;
  }

  /** Create a token; the plain token is returned once and never retrievable again. */
  async create(role: Role, label?: string): Promise<{ token: string; record: TokenRecord }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = { id: randomUUID().slice(0, 8), role, label, createdAt: Date.now() };
    const hash = hashToken(token);
    await this.client.multi().hSet(this.byHash, hash, JSON.stringify(record)).hSet(this.idToHash, record.id, hash).exec();
    return { token, record };
  }

  /** The record for a presented token, or undefined if it is unknown or malformed. */
  async verify(token: string): Promise<TokenRecord | undefined> {
    if (!looksLikeToken(token)) return undefined;
    const hash = hashToken(token);
    const raw = await this.client.hGet(this.byHash, hash);
    if (!raw) return undefined;
    const record = JSON.parse(raw) as TokenRecord;
    // Defence in depth: the stored mapping must point back at the same hash.
    const back = await this.client.hGet(this.idToHash, record.id);
    if (!back || !timingSafeEqual(Buffer.from(back), Buffer.from(hash))) return undefined;
    return record;
  }

  async list(): Promise<TokenRecord[]> {
    const all = await this.client.hGetAll(this.byHash);
    return Object.values(all)
      .map((raw) => JSON.parse(raw) as TokenRecord)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async count(role?: Role): Promise<number> {
    const records = await this.list();
    return role ? records.filter((r) => r.role === role).length : records.length;
  }

  /** Revoke by id; resolves false if there was no such token. */
  async revoke(id: string): Promise<boolean> {
    const hash = await this.client.hGet(this.idToHash, id);
    if (!hash) return false;
    await this.client.multi().hDel(this.byHash, hash).hDel(this.idToHash, id).exec();
    return true;
  }
}
