import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/loadConfig.ts';
import { EmbeddedRedis, pingUnixSocket } from '../redis/EmbeddedRedis.ts';
import { connectRedisClient, createRedisClient, type RedisClient, type RedisEndpoint } from '../redis/RedisConnection.ts';
import { DataDirLock } from '../DataDirLock.ts';

/**
 * Run `fn` with a Redis client for CLI commands (`token create`...). Uses the configured Redis, or the
 * running server's private one; if the server is not running, starts the private Redis just for this
 * command (holding the data-dir lock so a server can't start on it meanwhile).
 */
export async function withRedis<T>(loaded: LoadedConfig, logger: Logger, fn: (client: RedisClient) => Promise<T>): Promise<T> {
  const { config, dataDir } = loaded;
  let endpoint: RedisEndpoint;
  let cleanup = async () => {};
  if (config.redis.url) {
    endpoint = { url: config.redis.url };
  } else {
    const embedded = new EmbeddedRedis({ dataDir, binary: config.redis.serverBinary, logger });
    endpoint = { socketPath: embedded.socketPath };
    if (!(await pingUnixSocket(embedded.socketPath))) {
      const lock = new DataDirLock(dataDir);
      lock.acquire();
      try {
        await embedded.start();
      } catch (err) {
        lock.release();
        throw err;
      }
      cleanup = async () => {
        await embedded.stop();
        lock.release();
      };
    }
  }
  const client = await connectRedisClient(createRedisClient(endpoint, { name: 'roomcast-cli', logger }), endpoint);
  try {
    return await fn(client);
  } finally {
    client.destroy();
    await cleanup();
  }
}
