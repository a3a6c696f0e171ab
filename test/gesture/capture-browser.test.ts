import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { GestureEvent, HandsObservation } from '../../server/protocol/gestureEvents.ts';
import type { OverlayAlert } from '../../server/protocol/overlayEvents.ts';
import { HandDetector } from '../../pipelines/stages/gesture/HandDetector.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { connectSocket } from '../helpers/sockets.ts';
import { waitFor } from '../helpers/wait.ts';
import { segmentFrame, VIDEO_HEIGHT, VIDEO_WIDTH } from './helpers/gestureVideo.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-gesture-capture-'));
let server: RoomcastProcess;
let browser: TestBrowser;
let camera: string;

/** A Y4M file Chromium plays as its fake camera: a real photo of a thumbs up, held. */
async function fakeCamera(file: string): Promise<string> {
  const frame = await segmentFrame({ page: 17, frames: 1 });
  const raw = `${file}.rgb`;
  writeFileSync(raw, Buffer.concat(Array.from({ length: 15 }, () => frame)));
  const result = spawnSync(
    'gst-launch-1.0',
    ['-q', 'filesrc', `location=${raw}`, '!', 'rawvideoparse', `width=${VIDEO_WIDTH}`, `height=${VIDEO_HEIGHT}`, 'format=rgb', 'framerate=15/1', '!', 'videoconvert', '!', 'video/x-raw,format=I420', '!', 'y4menc', '!', 'filesink', `location=${file}`],
    { encoding: 'utf8' },
  );
  rmSync(raw, { force: true });
  if (result.status !== 0) throw new Error(`could not make ${file}: ${result.stderr}`);
  return file;
}

beforeAll(async () => {
  camera = await fakeCamera(path.join(dir, 'thumbs-up.y4m'));
  server = await startRoomcast({
    configYaml: `rooms:
  - id: demo
pipelines:
  - id: browser-hands
    source: { type: synthetic, kind: event, rate: 30, eventType: tick }
    stages:
      # Software WebGL in headless Chromium runs MediaPipe at ~0.25 fps: hold two frames, not 120 ms.
      - { id: hands, type: gesture, options: { mode: browser, room: demo, label: desk-cam, minHoldFrames: 2, minHoldMs: 0 } }
gestures:
  rules:
    - gesture: thumbs_up
      actions:
        - { type: overlay.alert, kind: gesture, title: "Thumbs up from the capture page" }
`,
  });
  browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('capture page in browser mode: MediaPipe Hands served by Roomcast, landmarks classified by the server', () => {
  it('a thumbs up in front of the camera becomes gesture_start thumbs_up and fires the rule', { timeout: 180_000 }, async () => {
    const gestures: Socket = await connectSocket(`${server.url}/gestures`, server.adminToken);
    const overlay: Socket = await connectSocket(`${server.url}/overlay`, await server.createToken('overlay'));
    const events: GestureEvent[] = [];
    const observations: HandsObservation[] = [];
    const alerts: OverlayAlert[] = [];
    try {
      expect(await overlay.emitWithAck('overlay:sync', { room: 'demo' })).toMatchObject({ ok: true });
      overlay.on('overlay:alert', (a: OverlayAlert) => alerts.push(a));
      gestures.on('gesture:event', (e: GestureEvent) => events.push(e));
      gestures.on('gesture:hands', (o: HandsObservation) => observations.push(o));
      expect(await gestures.emitWithAck('gesture:watch', { source: 'room:demo/desk-cam' })).toEqual({ ok: true });

      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`${server.url}/capture/?room=demo&name=desk&audio=0&gestures=browser#token=${server.adminToken}`);

      await waitFor('gesture_start thumbs_up', () => events.some((e) => e.phase === 'start' && e.label === 'thumbs_up'), 150_000, 250);
      const start = events.find((e) => e.phase === 'start')!;
      expect(start).toMatchObject({ source: 'room:demo/desk-cam', room: 'demo', label: 'thumbs_up' });
      await waitFor('the rule\'s overlay alert', () => alerts.length > 0, 10_000);
      expect(alerts[0]).toMatchObject({ room: 'demo', kind: 'gesture', title: 'Thumbs up from the capture page' });

      const seen = observations.find((o) => o.hands.length > 0)!;
      expect(seen).toMatchObject({ mode: 'browser', width: VIDEO_WIDTH, height: VIDEO_HEIGHT });
      expect(seen.hands[0]!.landmarks).toHaveLength(21);
      // Same convention both sides: the server's detector calls the same hand in the same picture the same.
      const detector = await HandDetector.start();
      try {
        const picture = await segmentFrame({ page: 17, frames: 1 });
        const { hands } = await detector.detect({ width: VIDEO_WIDTH, height: VIDEO_HEIGHT, rgb: picture }, 'still');
        expect(hands.map((h) => h.handedness)).toEqual([seen.hands[0]!.handedness]);
      } finally {
        await detector.close();
      }
      expect(await page.locator('[data-testid=capture-gestures]').getAttribute('data-state')).toBe('running');

      // Everything MediaPipe needed came from this Roomcast: no CDN.
      const mediapipe = requests.filter((url) => url.includes('mediapipe') || url.endsWith('.wasm') || url.endsWith('.tflite'));
      expect(mediapipe.some((url) => url.endsWith('/hands.js'))).toBe(true);
      expect(mediapipe.some((url) => url.endsWith('.wasm'))).toBe(true);
      expect(requests.filter((url) => !url.startsWith(server.url) && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
    } finally {
      gestures.close();
      overlay.close();
    }
  });
});
