import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { Roomcast } from '../../server/Roomcast.ts';
import { configSchemaFor } from '../../server/config/schema.ts';
import { ConfigError, loadConfig } from '../../server/config/loadConfig.ts';
import { createLogger } from '../../server/log/logger.ts';
import { gesturesFeature } from '../../server/gestures/gesturesFeature.ts';
import { gestureMonitor } from '../../pipelines/stages/gesture/GestureMonitor.ts';
import type { GestureEvent } from '../../server/protocol/gestureEvents.ts';
import type { OverlayAlert } from '../../server/protocol/overlayEvents.ts';
import { freePort } from '../helpers/ports.ts';
import { connectSocket } from '../helpers/sockets.ts';
import { waitFor } from '../helpers/wait.ts';

const features = [gesturesFeature];
const schema = configSchemaFor(features);
const root = mkdtempSync(path.join(os.tmpdir(), 'roomcast-gesture-rules-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writeConfig(name: string, yaml: string): string {
  const file = path.join(root, name);
  writeFileSync(file, yaml);
  return file;
}

async function startServer(yaml: string, dataDir = path.join(root, `data-${Math.random().toString(36).slice(2)}`)): Promise<{ roomcast: Roomcast; token: string; dataDir: string }> {
  const file = writeConfig(`${path.basename(dataDir)}.yaml`, yaml);
  const loaded = loadConfig({ file, env: { ROOMCAST_PORT: String(await freePort()), ROOMCAST_DATA_DIR: dataDir }, schema });
  let loginUrl = '';
  const roomcast = await Roomcast.start({ loaded, logger: createLogger({ level: 'silent' }), features, onFirstAdminToken: (url) => (loginUrl = url) });
  return { roomcast, token: /#token=(.+)$/.exec(loginUrl)?.[1] ?? '', dataDir };
}

const ROOMS = `rooms:\n  - id: demo\n  - id: stage\n`;

const gesture = (over: Partial<GestureEvent> = {}): GestureEvent => {
  const now = Date.now();
  return { phase: 'start', source: 'room:demo/cam-1', room: 'demo', label: 'thumbs_up', hand: 'Right', confidence: 0.95, startedAt: now - 150, decidedAt: now - 20, emittedAt: now, latencyMs: 20, ...over };
};

describe('gesture rules in roomcast.yaml are checked at start, every problem naming its path', () => {
  it('refuses an invalid action with the full path to the bad parameter', async () => {
    const yaml = `${ROOMS}gestures:\n  rules:\n    - gesture: thumbs_up\n      actions:\n        - { type: overlay.alert, title: Nice }\n        - { type: overlay.alert, kind: gesture }\n    - gesture: victory\n      actions:\n        - { type: overlay.alrt, title: V }\n`;
    await expect(startServer(yaml)).rejects.toThrow(/gestures\.rules\[0\]\.actions\[1\]\.title: required key is missing/);
    await expect(startServer(yaml)).rejects.toThrow(/gestures\.rules\[1\]\.actions\[0\]\.type: unknown action type "overlay\.alrt"/);
  });

  it('refuses a room that does not exist', async () => {
    const yaml = `${ROOMS}gestures:\n  rules:\n    - { gesture: fist, room: lobby, actions: [{ type: overlay.banner, text: hi }] }\n`;
    await expect(startServer(yaml)).rejects.toThrow(/gestures\.rules\[0\]\.room: unknown room "lobby" \(known: demo, stage\)/);
  });

  it('reports bad rule shapes when the config is loaded (gesture names, hands, swipes held)', () => {
    const file = writeConfig(
      'shape.yaml',
      `gestures:\n  rules:\n    - { gesture: thumb_up, actions: [{ type: overlay.banner, text: x }] }\n    - { gesture: swipe_left, minHoldMs: 300, actions: [{ type: overlay.banner, text: x }] }\n    - { gesture: fist, hand: left, actions: [] }\n`,
    );
    let error: ConfigError | undefined;
    try {
      loadConfig({ file, env: {}, schema });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    expect(text).toMatch(/gestures\.rules\[0\]\.gesture: must be one of "open_palm", "fist", "thumbs_up"/);
    expect(text).toMatch(/gestures\.rules\[1\]\.minHoldMs: swipe_left is a moment, not a held pose: minHoldMs must be 0/);
    expect(text).toMatch(/gestures\.rules\[2\]\.hand: must be one of "any", "Left", "Right"/);
    expect(text).toMatch(/gestures\.rules\[2\]\.actions: a rule needs at least one action/);
  });
});

describe('a rule fires its actions on gesture_start (overlay.alert reaches an overlay socket)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let overlay: Socket;
  let control: Socket;
  const alerts: OverlayAlert[] = [];
  const yaml = `${ROOMS}gestures:\n  rules:\n    - gesture: thumbs_up\n      hand: Right\n      cooldownMs: 60000\n      actions:\n        - { type: overlay.alert, kind: gesture, title: "Thumbs up!" }\n    - gesture: victory\n      room: stage\n      minHoldMs: 400\n      actions:\n        - { type: overlay.alert, title: "Peace" }\n`;

  beforeAll(async () => {
    server = await startServer(yaml);
    const overlayToken = (await server.roomcast.services.tokens.create('overlay', 'test overlay')).token;
    overlay = await connectSocket(`${server.roomcast.url}/overlay`, overlayToken);
    for (const room of ['demo', 'stage']) {
      // One socket per room channel: overlay:sync moves a socket to the room it names.
      const socket = room === 'demo' ? overlay : await connectSocket(`${server.roomcast.url}/overlay`, overlayToken);
      expect(await socket.emitWithAck('overlay:sync', { room })).toMatchObject({ ok: true });
      socket.on('overlay:alert', (alert: OverlayAlert) => alerts.push(alert));
    }
    control = await connectSocket(`${server.roomcast.url}/gestures`, server.token);
  });
  afterAll(async () => {
    overlay?.close();
    control?.close();
    await server?.roomcast.stop();
  });
  afterEach(() => void (alerts.length = 0));

  it('a stage reporting thumbs_up (Right) puts the alert on the room overlay, once per cooldown', async () => {
    const fired: unknown[] = [];
    control.on('gesture:fired', (f) => fired.push(f));
    // Exactly what a gesture stage does: report to the monitor; the feature publishes it on the bus.
    gestureMonitor.emit('event', gesture());
    await waitFor('the overlay alert', () => alerts.length === 1);
    expect(alerts[0]).toMatchObject({ room: 'demo', kind: 'gesture', title: 'Thumbs up!' });
    await waitFor('the firing report', () => fired.length === 1);
    expect(fired[0]).toMatchObject({ rule: 0, ok: true, event: { label: 'thumbs_up', hand: 'Right' } });

    // Within the cooldown: nothing more. The left hand: no match.
    gestureMonitor.emit('event', gesture({ startedAt: Date.now() - 100 }));
    gestureMonitor.emit('event', gesture({ hand: 'Left', startedAt: Date.now() - 50 }));
    await new Promise((r) => setTimeout(r, 500));
    expect(alerts).toHaveLength(1);
  });

  it('the event travels on the bus as gesture.start', async () => {
    const seen: GestureEvent[] = [];
    const consumer = await server.roomcast.services.bus.consume('gesture.start', 'test-observer', (e) => void seen.push(e.payload));
    try {
      const event = gesture({ label: 'fist', startedAt: 42 });
      gestureMonitor.emit('event', event);
      await waitFor('gesture.start on the bus', () => seen.length === 1);
      expect(seen[0]).toEqual(event);
    } finally {
      await consumer.stop();
    }
  });

  it('a held rule waits for its minimum hold, in its own room only, and is called off by gesture_end', async () => {
    // Seen in the wrong room: nothing.
    gestureMonitor.emit('event', gesture({ label: 'victory', room: 'demo', source: 'room:demo/cam-1', startedAt: Date.now() - 500 }));
    // Ends after 200 ms: the 400 ms rule never fires.
    const short = gesture({ label: 'victory', room: 'stage', source: 'room:stage/cam-2', startedAt: Date.now() - 120 });
    gestureMonitor.emit('event', short);
    await new Promise((r) => setTimeout(r, 80));
    gestureMonitor.emit('event', { ...short, phase: 'end', decidedAt: Date.now(), emittedAt: Date.now(), durationMs: 200 });
    await new Promise((r) => setTimeout(r, 600));
    expect(alerts).toEqual([]);
    // Held: fires about 400 ms after its first frame.
    const started = Date.now() - 100;
    gestureMonitor.emit('event', gesture({ label: 'victory', room: 'stage', source: 'room:stage/cam-2', startedAt: started }));
    await waitFor('the held rule', () => alerts.length === 1, 3_000);
    expect(alerts[0]).toMatchObject({ room: 'stage', title: 'Peace' });
    expect(alerts[0]!.at - started).toBeGreaterThanOrEqual(390);
  });
});

describe('rules edited over the API (the Gestures page)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const api = async (method: string, pathname: string, body?: unknown, token = server.token) => {
    const res = await fetch(`${server.roomcast.url}/api/gestures${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    server = await startServer(`${ROOMS}gestures:\n  rules:\n    - { gesture: fist, actions: [{ type: overlay.banner, text: fist }] }\n`);
  });
  afterAll(() => server?.roomcast.stop());

  it('refuses invalid rules with every problem\'s path, keeping the rules in force', async () => {
    const res = await api('PUT', '/rules', { rules: [{ gesture: 'pinch', actions: [{ type: 'overlay.alert' }, { type: 'overlay.alert', title: 'ok', durationMs: 5 }] }] });
    expect(res.status).toBe(400);
    const paths = (res.body.error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(['rules[0].actions[0].title', 'rules[0].actions[1].durationMs']);
    expect((await api('GET', '/rules')).body).toMatchObject({ origin: 'config', rules: [{ gesture: 'fist' }] });
  });

  it('saves valid rules (they survive a restart), test-fires one, and goes back to roomcast.yaml on reset', async () => {
    const rules = [{ gesture: 'open_palm', hand: 'Left', minHoldMs: 200, cooldownMs: 1000, actions: [{ type: 'overlay.banner', text: 'hello' }] }];
    const overlayToken = (await server.roomcast.services.tokens.create('overlay')).token;
    expect((await api('PUT', '/rules', { rules }, overlayToken)).status).toBe(403);
    const saved = await api('PUT', '/rules', { rules });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ origin: 'edited', problem: null, rules: [{ index: 0, gesture: 'open_palm', hand: 'Left', minHoldMs: 200, cooldownMs: 1000, lastFiredAt: null }] });
    expect(existsSync(path.join(server.dataDir, 'gestures', 'rules.json'))).toBe(true);

    const tested = await api('POST', '/rules/0/test', { room: 'stage' });
    expect(tested).toEqual({ status: 202, body: { ran: ['overlay.banner'], room: 'stage' } });
    expect((await server.roomcast.services.overlay.getState('stage')).banner).toEqual({ text: 'hello' });
    expect((await api('POST', '/rules/7/test', {})).status).toBe(404);

    // Restart on the same data dir: the edited rules are still in force.
    const { dataDir } = server;
    await server.roomcast.stop();
    server = await startServer(`${ROOMS}gestures:\n  rules:\n    - { gesture: fist, actions: [{ type: overlay.banner, text: fist }] }\n`, dataDir);
    server.token = (await server.roomcast.services.tokens.create('admin', 'test')).token;
    expect((await api('GET', '/rules')).body).toMatchObject({ origin: 'edited', rules: [{ gesture: 'open_palm' }] });

    const reset = await api('DELETE', '/rules/edits');
    expect(reset.body).toMatchObject({ origin: 'config', rules: [{ gesture: 'fist' }] });
    expect(existsSync(path.join(dataDir, 'gestures', 'rules.json'))).toBe(false);
  });

  it('saved rules that no longer validate do not stop the server: the configuration\'s are used and the reason shown', async () => {
    const dataDir = path.join(root, 'broken-saved');
    const saved = path.join(dataDir, 'gestures', 'rules.json');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.dirname(saved), { recursive: true });
    writeFileSync(saved, JSON.stringify({ rules: [{ gesture: 'fist', actions: [{ type: 'obs.gone', scene: 'x' }] }], savedAt: 1 }));
    const other = await startServer(`${ROOMS}gestures:\n  rules:\n    - { gesture: pinch, actions: [{ type: overlay.banner, text: p }] }\n`, dataDir);
    try {
      const token = (await other.roomcast.services.tokens.create('admin', 'x')).token;
      const res = await fetch(`${other.roomcast.url}/api/gestures/rules`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { origin: string; problem: string; rules: Array<{ gesture: string }> };
      expect(body.origin).toBe('config');
      expect(body.rules.map((r) => r.gesture)).toEqual(['pinch']);
      expect(body.problem).toMatch(/rules\[0\]\.actions\[0\]\.type: unknown action type "obs\.gone"/);
      expect(other.roomcast.services.health.list().find((h) => h.name === 'gestures')).toMatchObject({ state: 'degraded' });
      expect(JSON.parse(readFileSync(saved, 'utf8')).rules).toHaveLength(1); // kept for the user to fix, not deleted
    } finally {
      await other.roomcast.stop();
    }
  });
});
