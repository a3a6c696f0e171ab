import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { connectSocket } from '../helpers/sockets.ts';
import type { OverlayAlert, OverlayState, OverlaySyncResult } from '../../server/protocol/overlayEvents.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { startTestRedis, type TestRedis } from '../helpers/redisServer.ts';
import { waitFor } from '../helpers/wait.ts';

let redis: TestRedis;
let a: RoomcastProcess;
let b: RoomcastProcess;

beforeAll(async () => {
  redis = await startTestRedis();
  a = await startRoomcast({ env: { REDIS_URL: redis.url } });
  b = await startRoomcast({ env: { REDIS_URL: redis.url }, expectAdminLink: false });
});
afterAll(async () => {
  await a?.dispose();
  await b?.dispose();
  await redis?.stop();
});

async function overlayClient(server: RoomcastProcess, token: string): Promise<{ socket: Socket; states: OverlayState[]; alerts: OverlayAlert[] }> {
  const socket = await connectSocket(`${server.url}/overlay`, token, { reconnection: true });
  const states: OverlayState[] = [];
  const alerts: OverlayAlert[] = [];
  socket.on('overlay:state', (s: OverlayState) => states.push(s));
  socket.on('overlay:alert', (al: OverlayAlert) => alerts.push(al));
  const sync = (await socket.emitWithAck('overlay:sync', { room: 'demo' })) as OverlaySyncResult;
  expect(sync.ok).toBe(true);
  return { socket, states, alerts };
}

describe('several server processes on one Redis (REDIS_URL)', () => {
  it('does not start a private redis-server when REDIS_URL is set', () => {
    expect(a.output()).toMatch(/"embedded":false/);
    expect(a.output()).not.toMatch(/redis-server unixsocket/);
  });

  it('shares tokens: one created on A works on B', async () => {
    const token = await a.createToken('overlay');
    expect((await b.api('/api/whoami', { token })).body.role).toBe('overlay');
  });

  it('shares socket.io rooms: an overlay on B sees a banner set and an alert fired through A', async () => {
    const token = await a.createToken('overlay');
    const client = await overlayClient(b, token);
    try {
      await a.api('/api/rooms/demo/overlay/banner', { method: 'PUT', token: a.adminToken, body: { text: 'from A' } });
      await waitFor('the banner on B', () => client.states.some((s) => s.banner?.text === 'from A'));
      await a.api('/api/rooms/demo/overlay/alerts', { method: 'POST', token: a.adminToken, body: { kind: 'donation', title: 'Thanks Ada!' } });
      await waitFor('the alert on B', () => client.alerts.length === 1);
      expect(client.alerts[0]).toMatchObject({ room: 'demo', kind: 'donation', title: 'Thanks Ada!', durationMs: 5000 });
    } finally {
      client.socket.close();
    }
  });

  it('disconnects sockets on every process when their token is revoked (pub/sub fan-out)', async () => {
    const created = await a.api('/api/tokens', { method: 'POST', token: a.adminToken, body: { role: 'overlay' } });
    const client = await overlayClient(b, created.body.token);
    const reason = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    await a.api(`/api/tokens/${created.body.record.id}`, { method: 'DELETE', token: a.adminToken });
    expect(await reason).toBe('io server disconnect');
    client.socket.close();
  });
});
