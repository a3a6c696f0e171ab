import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { processAlive, waitFor } from '../helpers/wait.ts';

let server: RoomcastProcess;
const redisPid = () => Number(readFileSync(path.join(server.dataDir, 'redis', 'redis.pid'), 'utf8').trim());

beforeAll(async () => {
  server = await startRoomcast();
});
afterAll(async () => {
  await server?.dispose();
});

describe('private Redis (no REDIS_URL)', () => {
  it('starts its own redis-server on a unix socket in the data dir, as its child', async () => {
    const pid = redisPid();
    expect(processAlive(pid)).toBe(true);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    expect(Number(stat.split(') ')[1]!.split(' ')[1])).toBe(server.pid()); // parent pid
    // redis-server retitles itself with what it listens on: only the socket, no TCP port to expose.
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+/g, ' ').trim();
    expect(title).toBe(`redis-server unixsocket:${path.join(server.dataDir, 'redis', 'redis.sock')}`);
    const health = await server.api('/api/health');
    expect(health.body.entries.find((e: { name: string }) => e.name === 'redis').state).toBe('ok');
  });

  it('restarts redis-server when it is killed, and the server recovers', async () => {
    const before = redisPid();
    process.kill(before, 'SIGKILL');
    const after = await waitFor('a new redis-server', () => {
      try {
        const pid = redisPid();
        return pid !== before && processAlive(pid) ? pid : 0;
      } catch {
        return 0;
      }
    });
    expect(after).not.toBe(before);
    await waitFor('writes to work again', async () => (await server.api('/api/rooms/demo/overlay/banner', { method: 'PUT', body: { text: 'after crash' } })).status === 200);
    await waitFor('redis health back to ok', async () => {
      const res = await server.api('/api/health');
      return res.body.entries.find((e: { name: string }) => e.name === 'redis').state === 'ok';
    });
    expect(server.output()).toMatch(/redis exited unexpectedly; restarting/);
  });

  it('keeps its data across a server restart (AOF in the data dir)', async () => {
    const operator = await server.createToken('operator');
    expect((await server.api('/api/rooms/demo/overlay/banner', { method: 'PUT', body: { text: 'persisted' } })).status).toBe(200);
    const loginLinks = server.output().split('#token=').length;

    expect(await server.stop()).toBe(0);
    await server.start();

    const state = await server.api('/api/rooms/demo/overlay', { token: operator });
    expect(state.status).toBe(200); // the operator token survived
    expect(state.body.banner).toEqual({ text: 'persisted' });
    expect(server.output().split('#token=').length).toBe(loginLinks); // no second admin token
  });

  it('does not outlive a server killed with SIGKILL, and the data is still there after', async () => {
    await server.api('/api/rooms/demo/overlay/banner', { method: 'PUT', body: { text: 'before kill -9' } });
    await new Promise((r) => setTimeout(r, 1_200)); // appendfsync everysec
    const pid = redisPid();
    await server.stop('SIGKILL');
    await waitFor('the orphaned redis-server to die with its parent', () => !processAlive(pid));
    await server.start();
    const state = await server.api('/api/rooms/demo/overlay');
    expect(state.body.banner).toEqual({ text: 'before kill -9' });
  });
});
