import { createClient } from 'redis';
import type { Logger } from 'pino';

/** Where Redis lives: a URL (`redis://`, `rediss://`) or the embedded server's unix socket. */
export type RedisEndpoint = { url: string } | { socketPath: string };

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisClientOptions {
  /** Shown in CLIENT LIST and in logs, so an operator can tell connections apart. */
  name: string;
  logger?: Logger;
}

/** Describe an endpoint without leaking a password embedded in a URL. */
export function describeRedisEndpoint(endpoint: RedisEndpoint): string {
  if ('socketPath' in endpoint) return `unix:${endpoint.socketPath}`;
  try {
    const url = new URL(endpoint.url);
    if (url.password) url.password = '***';
    if (url.username) url.username = url.username ? '***' : '';
    return url.toString();
  } catch {
    return '<invalid redis url>';
  }
}

/**
 * A node-redis client that reconnects forever with capped backoff. Redis may be restarted under us
 * (the embedded supervisor does exactly that), so losing the connection is an expected state, not a crash.
 */
export function createRedisClient(endpoint: RedisEndpoint, options: RedisClientOptions): RedisClient {
  const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 2_000);
  const client =
    'socketPath' in endpoint
      ? createClient({ name: options.name, socket: { path: endpoint.socketPath, reconnectStrategy } })
      : createClient({ name: options.name, url: endpoint.url, socket: { reconnectStrategy } });
  let lastError = '';
  client.on('error', (err: Error) => {
    // node-redis emits an error per failed reconnect attempt; log each distinct one once.
    if (err.message !== lastError) {
      lastError = err.message;
      options.logger?.warn({ redisClient: options.name, err: err.message }, 'redis connection error');
    }
  });
  client.on('ready', () => {
    if (lastError) options.logger?.info({ redisClient: options.name }, 'redis connection restored');
    lastError = '';
  });
  return client as RedisClient;
}

/** Connect, failing with a message that names the endpoint if Redis doesn't answer in time. */
export async function connectRedisClient(client: RedisClient, endpoint: RedisEndpoint, timeoutMs = 10_000): Promise<RedisClient> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis at ${describeRedisEndpoint(endpoint)} did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (err) {
    client.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** Close politely (pending replies arrive first), but never wait more than `timeoutMs`. */
export async function closeRedisClient(client: RedisClient, timeoutMs = 1_000): Promise<void> {
  if (!client.isOpen) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.close().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (client.isOpen) client.destroy();
        resolve();
      }, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
