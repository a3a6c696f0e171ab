import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { waitFor } from './wait.ts';
import { freePort } from './ports.ts';
import type { RedisClient } from '../../server/redis/RedisConnection.ts';

/** A real redis-server for one test file, on a free loopback port, without persistence. */
export interface TestRedis {
  url: string;
  port: number;
  pid: number;
  client(name?: string): Promise<RedisClient>;
  stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-test-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  const clients: RedisClient[] = [];
  await waitFor('test redis-server to accept connections', async () => {
    const c = createClient({ url, socket: { reconnectStrategy: false } });
    c.on('error', () => undefined);
    await c.connect();
    await c.ping();
    c.destroy();
    return true;
  });
  return {
    url,
    port,
    pid: child.pid!,
    async client(name = 'test') {
      const c = createClient({ url, name }) as RedisClient;
      c.on('error', () => undefined);
      await c.connect();
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) if (c.isOpen) c.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
