import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { Roomcast } from '../../server/Roomcast.ts';
import { configSchemaFor } from '../../server/config/schema.ts';
import { loadConfig } from '../../server/config/loadConfig.ts';
import { createLogger } from '../../server/log/logger.ts';
import { gesturesFeature } from '../../server/gestures/gesturesFeature.ts';
import { pipelinesFeature } from '../../pipelines/feature/pipelinesFeature.ts';
import type { BrowserLandmarks, GestureEvent, HandLandmarks, HandsObservation } from '../../server/protocol/gestureEvents.ts';
import type { OverlayAlert } from '../../server/protocol/overlayEvents.ts';
import { freePort } from '../helpers/ports.ts';
import { connectSocket } from '../helpers/sockets.ts';
import { waitFor } from '../helpers/wait.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/gesture/landmarks');
const victory = (JSON.parse(readFileSync(path.join(FIXTURES, 'victory.json'), 'utf8')) as { landmarks: HandLandmarks }).landmarks;

const features = [pipelinesFeature, gesturesFeature];
const root = mkdtempSync(path.join(os.tmpdir(), 'roomcast-gesture-browser-'));
let roomcast: Roomcast;
let token: string;
let gestures: Socket;
let overlay: Socket;

const CONFIG = `rooms:
  - id: demo
pipelines:
  - id: browser-hands
    # Browser mode needs no video on the server: ticks drive the stage, landmarks come from the page.
    source: { type: synthetic, kind: event, rate: 30, eventType: tick }
    stages:
      - { id: hands, type: gesture, options: { mode: browser, room: demo, label: desk-cam, minHoldFrames: 3, minHoldMs: 100 } }
gestures:
  rules:
    - gesture: victory
      actions:
        - { type: overlay.alert, kind: gesture, title: "V from the browser" }
`;

beforeAll(async () => {
  const file = path.join(root, 'roomcast.yaml');
  writeFileSync(file, CONFIG);
  const loaded = loadConfig({ file, env: { ROOMCAST_PORT: String(await freePort()), ROOMCAST_DATA_DIR: path.join(root, 'data') }, schema: configSchemaFor(features) });
  let loginUrl = '';
  roomcast = await Roomcast.start({ loaded, logger: createLogger({ level: 'silent' }), features, onFirstAdminToken: (url) => (loginUrl = url) });
  token = /#token=(.+)$/.exec(loginUrl)![1]!;
  gestures = await connectSocket(`${roomcast.url}/gestures`, token);
  overlay = await connectSocket(`${roomcast.url}/overlay`, (await roomcast.services.tokens.create('overlay')).token);
  expect(await overlay.emitWithAck('overlay:sync', { room: 'demo' })).toMatchObject({ ok: true });
}, 60_000);
afterAll(async () => {
  gestures?.close();
  overlay?.close();
  await roomcast?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('browser mode: landmarks from a capture page, classified on the server by the same code', () => {
  it('lists the source, shows live observations, and a held victory fires the rule', async () => {
    await waitFor('the browser-mode source to be listed', async () => {
      const res = await fetch(`${roomcast.url}/api/gestures`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { sources: Array<{ source: string; mode: string }> };
      return body.sources.some((s) => s.source === 'room:demo/desk-cam' && s.mode === 'browser');
    });
    const observations: HandsObservation[] = [];
    const events: GestureEvent[] = [];
    const alerts: OverlayAlert[] = [];
    gestures.on('gesture:hands', (o: HandsObservation) => observations.push(o));
    gestures.on('gesture:event', (e: GestureEvent) => events.push(e));
    overlay.on('overlay:alert', (a: OverlayAlert) => alerts.push(a));
    expect(await gestures.emitWithAck('gesture:watch', { source: 'room:demo/desk-cam' })).toEqual({ ok: true });

    // A bad payload is dropped without hurting anything.
    gestures.emit('gesture:landmarks', { room: 'demo', label: 'desk-cam', hands: 'nope' });
    for (let i = 0; i < 8; i++) {
      const frame: BrowserLandmarks = {
        room: 'demo',
        label: 'desk-cam',
        captureTs: Date.now(),
        width: 640,
        height: 480,
        inferenceMs: 25,
        hands: [{ landmarks: victory, handedness: 'Left', handednessScore: 0.97, score: 0.95 }],
      };
      gestures.emit('gesture:landmarks', frame);
      await new Promise((r) => setTimeout(r, 60));
    }
    await waitFor('the overlay alert', () => alerts.length === 1, 5_000);
    expect(alerts[0]).toMatchObject({ room: 'demo', kind: 'gesture', title: 'V from the browser' });
    expect(events.filter((e) => e.phase === 'start')).toEqual([
      expect.objectContaining({ label: 'victory', hand: 'Left', source: 'room:demo/desk-cam', room: 'demo', phase: 'start' }),
    ]);
    const seen = observations.find((o) => o.hands.length === 1)!;
    expect(seen).toMatchObject({ source: 'room:demo/desk-cam', room: 'demo', mode: 'browser', width: 640, height: 480, inferenceMs: 25 });
    expect(seen.hands[0]).toMatchObject({ pose: 'victory', handedness: 'Left', handednessScore: 0.97 });
    expect(observations.at(-1)!.active).toEqual([expect.objectContaining({ hand: 'Left', label: 'victory' })]);

    // The page stops sending hands (they left the picture): the gesture ends.
    for (let i = 0; i < 6; i++) {
      gestures.emit('gesture:landmarks', { room: 'demo', label: 'desk-cam', captureTs: Date.now(), width: 640, height: 480, inferenceMs: 20, hands: [] } satisfies BrowserLandmarks);
      await new Promise((r) => setTimeout(r, 60));
    }
    await waitFor('gesture_end', () => events.some((e) => e.phase === 'end' && e.label === 'victory'), 5_000);
  });

  it('landmarks for a source no stage classifies are dropped', async () => {
    const events: GestureEvent[] = [];
    gestures.on('gesture:event', (e: GestureEvent) => events.push(e));
    for (let i = 0; i < 6; i++) {
      gestures.emit('gesture:landmarks', { room: 'demo', label: 'other-cam', captureTs: Date.now(), width: 640, height: 480, inferenceMs: 20, hands: [{ landmarks: victory, handedness: 'Right', handednessScore: 0.9, score: 0.9 }] });
      await new Promise((r) => setTimeout(r, 40));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual([]);
  });
});
