import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectSocket } from '../helpers/sockets.ts';
import { startRoomcast } from '../helpers/roomcastProcess.ts';
import { processAlive, waitFor } from '../helpers/wait.ts';

/** Pids of the direct children of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.split(') ')[1]!.split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

describe('graceful shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal}: closes sockets, stops children, exits 0 within 5 s`, async () => {
      const server = await startRoomcast();
      try {
        const pid = server.pid()!;
        const children = childrenOf(pid);
        expect(children.length).toBeGreaterThanOrEqual(1); // at least the private redis-server

        const socket = await connectSocket(`${server.url}/control`, server.adminToken);
        const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));

        const started = Date.now();
        const code = await server.stop(signal);
        const took = Date.now() - started;

        expect(code).toBe(0);
        expect(took).toBeLessThan(5_000);
        expect(await disconnected).toMatch(/server namespace disconnect|transport close/);
        await waitFor('every child to be gone', () => children.every((c) => !processAlive(c)), 2_000);
        expect(server.output()).toMatch(/"msg":"stopped"/);
      } finally {
        await server.dispose();
      }
    });
  }
});
