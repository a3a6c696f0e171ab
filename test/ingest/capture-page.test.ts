import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byTestId, collectConsoleErrors, formatErrors, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';
import { producersWithStats, roomWorker, startIngestServer, type IngestServer, type ProducerWithStats } from './helpers/ingestHarness.ts';
import { assertMediaPagesBuilt, generateToneWav, generateY4m, webrtcChromiumFlags } from './helpers/mediaFixtures.ts';
import { isVp8KeyFrame, receiveRtp } from './helpers/udp.ts';

const ROOM = 'demo';

/**
 * The capture page in headless Chromium (fake camera fed a y4m clip, fake microphone a 440 Hz WAV)
 * publishing to a real server on loopback: the server's producers receive RTP on both kinds, several
 * publishers share a room under their labels, and a killed mediasoup worker is survived without anyone
 * touching the page.
 */
describe('capture page -> mediasoup', () => {
  let server: IngestServer;
  let browser: TestBrowser;
  let operator: string;
  let dir: string;

  const captureUrl = (query: string) => `${server.url}/capture/?room=${ROOM}&${query}#token=${encodeURIComponent(operator)}`;

  async function openCapture(query: string): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(captureUrl(query));
    return page;
  }

  /** Producers of these labels, once each one's received byte count grew between two looks. */
  async function flowing(labels: string[]): Promise<ProducerWithStats[]> {
    const first = await waitFor(`producers ${labels.join(', ')} with RTP`, async () => {
      const producers = await producersWithStats(server, ROOM);
      const found = labels.map((label) => producers.find((p) => p.label === label && !p.interrupted && (p.stats?.byteCount ?? 0) > 0));
      return found.every(Boolean) ? (found as ProducerWithStats[]) : null;
    }, 20_000, 200);
    return waitFor(`RTP byte counts of ${labels.join(', ')} to grow`, async () => {
      const producers = await producersWithStats(server, ROOM);
      const now = labels.map((label) => producers.find((p) => p.label === label)!);
      return now.every((p, i) => p && (p.stats?.byteCount ?? 0) > first[i]!.stats!.byteCount) ? now : null;
    }, 10_000, 200);
  }

  beforeAll(async () => {
    assertMediaPagesBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-capture-'));
    const y4m = generateY4m(dir);
    const wav = generateToneWav(dir, { frequency: 440 });
    server = await startIngestServer({ yaml: `rooms: [{ id: ${ROOM} }]\ningest: { workers: 2, reconnectGraceMs: 30000 }\n` });
    operator = await server.createToken('operator');
    browser = await launchBrowser(webrtcChromiumFlags({ video: y4m, audio: wav }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let desk: Page;
  let deskProducers: ProducerWithStats[];

  it('publishes camera and microphone; the server receives RTP on both', async () => {
    desk = await openCapture('name=desk&autostart=1');
    const errors = collectConsoleErrors(desk);
    await desk.locator(byTestId('capture-root', { state: 'publishing' })).waitFor();

    deskProducers = await flowing(['desk-cam', 'desk-mic']);
    const [cam, mic] = deskProducers;
    expect(cam).toMatchObject({ kind: 'video', origin: 'webrtc', room: ROOM, codec: { mimeType: 'video/VP8' } });
    expect(mic).toMatchObject({ kind: 'audio', origin: 'webrtc', room: ROOM, codec: { mimeType: 'audio/opus' } });
    expect(mic!.measurement ?? false).toBe(false);
    // The page lists what it publishes under the server's producer ids, and shows the server's view.
    await desk.locator(byTestId('capture-track', { 'producer-id': cam!.producerId })).waitFor();
    await desk.locator(byTestId('capture-track', { 'producer-id': mic!.producerId })).waitFor();
    await expect.poll(() => desk.locator(`${byTestId('capture-track', { kind: 'video' })} td:nth-child(4)`).textContent(), { timeout: 10_000 }).toMatch(/bit\/s/);
    expect(errors.unexpected(), formatErrors(errors.unexpected())).toEqual([]);
  });

  it('taps the published camera for the media bridge: plain VP8 RTP, and requestKeyFrame brings a keyframe from the browser', async () => {
    const port = await receiveRtp();
    const tap = await server.ingress.tapProducer(deskProducers[0]!.producerId, port.port);
    try {
      expect(tap.codec.mimeType).toBe('video/VP8');
      // A new consumer starts at a keyframe (mediasoup asks the browser for one).
      await waitFor('a keyframe and 60 packets at the tap port', () => port.packets.some((p) => isVp8KeyFrame(p.head)) && port.countSince(0, tap.ssrc) >= 60, 10_000);
      await new Promise((r) => setTimeout(r, 1_000));
      const asked = Date.now();
      await tap.requestKeyFrame();
      await waitFor('a keyframe after requestKeyFrame()', () => port.packets.some((p) => p.at >= asked && isVp8KeyFrame(p.head)), 5_000);
    } finally {
      await tap.close();
      await port.close();
    }
  });

  it('takes several publishers per room under their labels; a measurement microphone is flagged as such', async () => {
    const lab = await openCapture('name=lab&video=0&mic=measurement&autostart=1');
    await lab.locator(byTestId('capture-root', { state: 'publishing' })).waitFor();
    // The browser really turned echo cancellation, noise suppression and auto gain off.
    await lab.locator(byTestId('capture-processing', { ok: 'true' })).waitFor();
    const [labMic] = await flowing(['lab-mic']);
    expect(labMic).toMatchObject({ kind: 'audio', measurement: true });
    const labels = (await producersWithStats(server, ROOM)).map((p) => p.label).sort();
    expect(labels).toEqual(['desk-cam', 'desk-mic', 'lab-mic']);
    await lab.close();
  });

  it('survives a killed mediasoup worker: restarted, the page reconnects by itself, same producer ids, RTP flows again', async () => {
    const before = await roomWorker(server, ROOM);
    expect(before.running).toBe(true);
    const health = () => server.roomcast.services.health.list().find((e) => e.name === 'media:workers')!;
    expect(health().state).toBe('ok');

    process.kill(before.pid!, 'SIGKILL');

    const after = await waitFor('the worker to be restarted', async () => {
      const w = await roomWorker(server, ROOM);
      return w.running && w.pid !== before.pid ? w : null;
    }, 10_000);
    expect(after.restarts).toBe(before.restarts + 1);
    await desk.locator(`${byTestId('capture-root', { state: 'publishing' })}:not([data-reconnects="0"])`).waitFor();
    const again = await flowing(['desk-cam', 'desk-mic']);
    expect(again.map((p) => p.producerId)).toEqual(deskProducers.map((p) => p.producerId));
    await waitFor('media:workers health ok again', () => health().state === 'ok', 5_000);
  });
});
