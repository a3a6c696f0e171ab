import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byTestId, collectConsoleErrors, formatErrors, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';
import type { RtpInjector } from '../../server/media/MediaContracts.ts';
import { mediaWorkers, roomWorker, startIngestServer, type IngestServer } from './helpers/ingestHarness.ts';
import { assertMediaPagesBuilt, sendOpusTone, webrtcChromiumFlags, type GstSender } from './helpers/mediaFixtures.ts';

const ROOM = 'demo';
const ZONE = 'lobby';

/**
 * The `/listen` page in headless Chromium hears what the media bridge injects into a zone: here a
 * gst-launch Opus encoder playing a 440 Hz tone into the zone's injector, as the bridge's encoder does.
 * The page measures the dominant frequency of what it plays (WebAudio AnalyserNode) and exposes it.
 */
describe('listen page <- audio injector', () => {
  let server: IngestServer;
  let browser: TestBrowser;
  let listenerToken: string;
  let injector: RtpInjector;
  let tone: GstSender | undefined;
  const pages: Page[] = [];

  async function openListen(): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    pages.push(page);
    await page.goto(`${server.url}/listen/?room=${ROOM}&zone=${ZONE}#token=${encodeURIComponent(listenerToken)}`);
    return page;
  }

  /** The page's measured dominant frequency, once it is within `tolerance` of `hz`. */
  async function hears(page: Page, hz: number, tolerance = 3): Promise<number> {
    const handle = await page.waitForFunction(
      ([expected, tol]) => {
        const value = Number(document.querySelector('[data-testid="listen-root"]')?.getAttribute('data-frequency') || NaN);
        return Math.abs(value - expected) <= tol ? value : null;
      },
      [hz, tolerance] as const,
      { timeout: 20_000, polling: 200 },
    );
    return (await handle.jsonValue()) as number;
  }

  beforeAll(async () => {
    assertMediaPagesBuilt();
    // Two workers and one consumer per router: the second listener must be served through pipeToRouter.
    server = await startIngestServer({ yaml: `rooms: [{ id: ${ROOM} }]\ningest: { workers: 2, maxConsumersPerRouter: 1 }\n` });
    listenerToken = await server.createToken('overlay');
    browser = await launchBrowser(webrtcChromiumFlags());
  });

  afterAll(async () => {
    await tone?.stop();
    await browser?.close();
    await server?.stop();
  });

  it('waits while the zone has no audio, then plays the injected 440 Hz tone as soon as it starts', async () => {
    const page = await openListen();
    const errors = collectConsoleErrors(page);
    await page.locator(byTestId('listen-root', { state: 'waiting' })).waitFor();

    injector = await server.ingress.createAudioInjector(ROOM, ZONE);
    expect(injector).toMatchObject({ room: ROOM, zone: ZONE, rtpPort: expect.any(Number), payloadType: expect.any(Number), ssrc: expect.any(Number) });
    await expect(server.ingress.createAudioInjector(ROOM, ZONE)).rejects.toThrow(/already has an audio injector/);
    tone = sendOpusTone(injector.rtpPort, { frequency: 440, payloadType: injector.payloadType, ssrc: injector.ssrc });

    await page.locator(byTestId('listen-root', { state: 'playing', 'producer-id': injector.producerId })).waitFor();
    const measured = await hears(page, 440);
    expect(measured).toBeGreaterThan(437);
    expect(measured).toBeLessThan(443);
    expect(errors.unexpected(), formatErrors(errors.unexpected())).toEqual([]);
  });

  it('serves listeners beyond maxConsumersPerRouter from a router on another worker (pipeToRouter)', async () => {
    const second = await openListen();
    await second.locator(byTestId('listen-root', { state: 'playing' })).waitFor();
    await hears(second, 440);
    const { rooms } = await mediaWorkers(server);
    const routers = rooms.find((r) => r.room === ROOM)!.routers;
    expect(routers).toHaveLength(2);
    expect(new Set(routers.map((r) => r.worker)).size).toBe(2);
    expect(routers.map((r) => r.consumers)).toEqual([1, 1]);
  });

  it('keeps the injector (same port, same producer) across a killed worker; listeners come back by themselves', async () => {
    const before = await roomWorker(server, ROOM);
    // Record, in each page, that it really lost the audio (so a stale measurement can't pass).
    for (const page of pages) {
      await page.evaluate(() => {
        const root = document.querySelector('[data-testid="listen-root"]')!;
        const w = window as unknown as { lostAudio: boolean };
        w.lostAudio = false;
        new MutationObserver(() => {
          if (root.getAttribute('data-state') !== 'playing') w.lostAudio = true;
        }).observe(root, { attributes: true, attributeFilter: ['data-state'] });
      });
    }
    process.kill(before.pid!, 'SIGKILL');
    await waitFor('the worker to be restarted', async () => {
      const w = await roomWorker(server, ROOM);
      return w.running && w.pid !== before.pid;
    }, 10_000);
    // The encoder was never told anything: it kept sending to the same port.
    expect(tone!.child.exitCode).toBeNull();
    await waitFor('the injector to be restored', () => server.ingress.producer(injector.producerId)?.interrupted === false, 10_000);
    for (const page of pages) {
      await page.waitForFunction(() => (window as unknown as { lostAudio: boolean }).lostAudio);
      await page.locator(byTestId('listen-root', { state: 'playing', 'producer-id': injector.producerId })).waitFor();
      await hears(page, 440);
    }
    // The first listener's transport was on the dead worker: it was told to reconnect. The second, on
    // the other worker, only lost its piped producer and consumed again.
    expect(await pages[0]!.locator(byTestId('listen-root')).getAttribute('data-reconnects')).not.toBe('0');
  });

  it('goes back to waiting when the injector closes', async () => {
    await injector.close();
    expect(server.ingress.producer(injector.producerId)).toBeUndefined();
    for (const page of pages) await page.locator(byTestId('listen-root', { state: 'waiting', 'producer-id': '' })).waitFor();
  });
});
