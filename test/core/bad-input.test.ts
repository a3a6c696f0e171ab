import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { connectSocket } from '../helpers/sockets.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';

let server: RoomcastProcess;

beforeAll(async () => {
  server = await startRoomcast();
  await server.api('/api/rooms/demo/overlay/banner', { method: 'PUT', body: { text: 'accepted before' } });
});
afterAll(async () => {
  await server?.dispose();
});

describe('bad HTTP input gets a clear error and changes nothing', () => {
  const cases: Array<[string, string, string, unknown, number, RegExp]> = [
    ['malformed JSON', 'PUT', '/api/rooms/demo/overlay/banner', '{"text":', 400, /request body is not valid JSON/],
    ['wrong type', 'PUT', '/api/rooms/demo/overlay/banner', { text: 42 }, 400, /text: expected string, got number/],
    ['unknown key', 'PUT', '/api/rooms/demo/overlay/banner', { text: 'x', colour: 'red' }, 400, /colour: unknown key/],
    ['missing key', 'POST', '/api/rooms/demo/overlay/alerts', { kind: 'donation' }, 400, /title: required key is missing/],
    ['out of range', 'POST', '/api/rooms/demo/overlay/alerts', { title: 't', durationMs: 10 }, 400, /durationMs: .*500/],
    ['unknown room id', 'PUT', '/api/rooms/nowhere/overlay/banner', { text: 'x' }, 404, /unknown room "nowhere" \(known: demo\)/],
    ['unknown route', 'GET', '/api/nothing/here', undefined, 404, /no route GET \/api\/nothing\/here/],
    ['bad role', 'POST', '/api/tokens', { role: 'superuser' }, 400, /role: must be one of "overlay", "operator", "admin"/],
  ];
  for (const [what, method, path, body, status, message] of cases) {
    it(what, async () => {
      const res = await server.api(path, { method, body });
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    });
  }

  it('rejects an oversized body with 413', async () => {
    const res = await server.api('/api/rooms/demo/overlay/banner', { method: 'PUT', body: { text: 'x'.repeat(400_000) } });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/larger than 256 kB/);
  });

  it('still has what it accepted before, and is still healthy', async () => {
    expect((await server.api('/api/rooms/demo/overlay')).body.banner).toEqual({ text: 'accepted before' });
    expect((await server.api('/readyz', { token: null })).status).toBe(200);
  });
});

describe('bad socket messages get error acks and the socket stays up', () => {
  let socket: Socket;
  beforeAll(async () => {
    socket = await connectSocket(`${server.url}/overlay`, server.adminToken);
  });
  afterAll(() => {
    socket.close();
  });

  const payloads: Array<[string, unknown, RegExp]> = [
    ['a number', 42, /invalid overlay:sync request: \(root\): expected object/],
    ['null', null, /expected object/],
    ['a wrong type', { room: 5 }, /room: expected string, got number/],
    ['an unknown key', { room: 'demo', admin: true }, /admin: unknown key/],
    ['an unknown room', { room: 'nowhere' }, /unknown room "nowhere"/],
  ];
  for (const [what, payload, message] of payloads) {
    it(`overlay:sync with ${what}`, async () => {
      const result = (await socket.timeout(2_000).emitWithAck('overlay:sync', payload)) as { ok: boolean; error: string };
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(message);
      expect(socket.connected).toBe(true);
    });
  }

  it('ignores events without an ack and unknown events, and still answers afterwards', async () => {
    socket.emit('overlay:sync', { room: 'demo' });
    socket.emit('no-such-event', { x: 1 });
    const result = (await socket.timeout(2_000).emitWithAck('overlay:sync', { room: 'demo' })) as { ok: boolean; state: { banner: unknown } };
    expect(result).toMatchObject({ ok: true, state: { banner: { text: 'accepted before' } } });
  });
});

describe('actions', () => {
  it('lists the action types', async () => {
    const res = await server.api('/api/actions');
    expect(res.body.types.map((t: { type: string }) => t.type)).toEqual(expect.arrayContaining(['overlay.alert', 'overlay.banner']));
  });

  it('runs a valid action and names the path of every problem in an invalid one', async () => {
    const ok = await server.api('/api/actions/run', { method: 'POST', body: { room: 'demo', action: { type: 'overlay.banner', text: 'from an action' } } });
    expect(ok.status).toBe(202);
    expect((await server.api('/api/rooms/demo/overlay')).body.banner).toEqual({ text: 'from an action' });
    await server.api('/api/rooms/demo/overlay/banner', { method: 'PUT', body: { text: 'accepted before' } });

    const unknown = await server.api('/api/actions/run', { method: 'POST', body: { room: 'demo', action: { type: 'lights.explode' } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.issues).toEqual([{ path: 'action.type', message: expect.stringMatching(/unknown action type "lights.explode" \(known: .*overlay.alert/) }]);

    const bad = await server.api('/api/actions/run', { method: 'POST', body: { room: 'demo', action: { type: 'overlay.alert', title: 5, colour: 'red' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['action.colour', 'action.title']);
  });
});
