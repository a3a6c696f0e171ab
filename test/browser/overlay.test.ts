import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  assertWebBuilt,
  byTestId,
  collectConsoleErrors,
  formatErrors,
  launchBrowser,
  waitForText,
  type TestBrowser,
} from '../helpers/browser.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';

const ROOT = byTestId('overlay-root');
const CONNECTED = byTestId('overlay-root', { connection: 'connected' });
const DISCONNECTED = byTestId('overlay-root', { connection: 'disconnected' });
const BANNER = byTestId('overlay-banner');
const SHOWN_BANNER = byTestId('overlay-banner', { visible: 'true' });
const ALERT = byTestId('overlay-alert');

/**
 * The OBS overlay page against a real server: what an operator sets through the API shows up, and the
 * page survives the server going away and coming back without anyone touching OBS.
 */
describe('overlay page', () => {
  let roomcast: RoomcastProcess;
  let browser: TestBrowser;
  let overlayToken: string;
  let room: string;

  const at = (path: string) => new URL(path, roomcast.url).toString();
  const overlayUrl = () => at(`/overlay/?room=${encodeURIComponent(room)}#token=${encodeURIComponent(overlayToken)}`);

  async function setBanner(text: string | null): Promise<void> {
    const response = await roomcast.api(`/api/rooms/${encodeURIComponent(room)}/overlay/banner`, {
      method: 'PUT',
      token: roomcast.adminToken,
      body: { text },
    });
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
  }

  async function serverRevision(): Promise<number> {
    const response = await roomcast.api(`/api/rooms/${encodeURIComponent(room)}/overlay`, { token: roomcast.adminToken });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.revision as number;
  }

  async function openOverlay(): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(overlayUrl());
    await page.locator(CONNECTED).waitFor();
    return page;
  }

  beforeAll(async () => {
    assertWebBuilt();
    roomcast = await startRoomcast();
    overlayToken = await roomcast.createToken('overlay');
    const rooms = await roomcast.api('/api/rooms', { token: roomcast.adminToken });
    expect(rooms.status, JSON.stringify(rooms.body)).toBe(200);
    const first = (rooms.body.rooms as Array<{ id: string }>)[0];
    if (!first) throw new Error('the server has no room configured');
    room = first.id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await roomcast?.dispose();
  });

  test('shows the banner set through the API, live, and after a reload without the fragment', async () => {
    await setBanner('Welcome to the workshop');
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const consoleErrors = collectConsoleErrors(page);
    await page.goto(overlayUrl());

    await page.locator(CONNECTED).waitFor();
    await page.locator(SHOWN_BANNER).waitFor();
    await waitForText(page, BANNER, 'Welcome to the workshop');
    expect(await page.getAttribute(ROOT, 'data-revision')).toBe(String(await serverRevision()));
    // The token left the address bar (OBS shows the URL in its properties dialog).
    expect(new URL(page.url()).hash).toBe('');

    // Pushed while connected, no reload.
    await setBanner('Second segment: lights');
    await waitForText(page, BANNER, 'Second segment: lights');
    expect(await page.getAttribute(ROOT, 'data-revision')).toBe(String(await serverRevision()));

    // "Refresh cache of current page" in OBS reloads the URL whose fragment was stripped.
    await page.reload();
    await page.locator(CONNECTED).waitFor();
    await waitForText(page, BANNER, 'Second segment: lights');

    // Clearing the banner hides it.
    await setBanner(null);
    await page.locator(byTestId('overlay-banner', { visible: 'false' })).waitFor();

    expect(consoleErrors.errors, formatErrors(consoleErrors.errors)).toEqual([]);
    await page.close();
  });

  test('an alert posted through the API appears, then leaves after its duration', async () => {
    const page = await openOverlay();
    const response = await roomcast.api(`/api/rooms/${encodeURIComponent(room)}/overlay/alerts`, {
      method: 'POST',
      token: roomcast.adminToken,
      body: { kind: 'donation', title: 'Ada donated 5 €', message: 'Keep the lights dancing!', durationMs: 2_000 },
    });
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);

    const alert = page.locator(ALERT, { hasText: 'Ada donated 5 €' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Keep the lights dancing!');
    await alert.waitFor({ state: 'detached', timeout: 2_000 + 5_000 });
    await page.close();
  });

  test('keeps showing the last banner while the server is down', { timeout: 90_000 }, async () => {
    await setBanner('Still here');
    const page = await openOverlay();
    await waitForText(page, BANNER, 'Still here');
    const consoleErrors = collectConsoleErrors(page);

    try {
      await roomcast.stop();
      await page.locator(DISCONNECTED).waitFor();
      // Several reconnect attempts fail meanwhile; the picture on stream must not change.
      await page.waitForTimeout(3_000);
      expect(await page.locator(BANNER).textContent()).toBe('Still here');
      expect(await page.getAttribute(BANNER, 'data-visible')).toBe('true');
      expect(await page.locator('.setup-help').count()).toBe(0);
      expect(consoleErrors.unexpected(), formatErrors(consoleErrors.unexpected())).toEqual([]);
    } finally {
      await roomcast.start();
    }
    await page.locator(CONNECTED).waitFor({ timeout: 20_000 });
    await page.close();
  });

  test('reconnects by itself after a server restart and re-syncs a banner changed while it was away', { timeout: 90_000 }, async () => {
    await setBanner('Before the restart');
    const page = await openOverlay();
    await waitForText(page, BANNER, 'Before the restart');
    const consoleErrors = collectConsoleErrors(page);
    const cdp = await page.context().newCDPSession(page);

    try {
      await roomcast.stop();
      await page.locator(DISCONNECTED).waitFor();
      // Hold the page's JavaScript (like a machine asleep) so it cannot reconnect before the banner
      // changes: the new text can then only arrive through the `overlay:sync` on reconnect.
      await cdp.send('Debugger.enable');
      await cdp.send('Debugger.pause');
    } finally {
      await roomcast.start();
    }
    try {
      await setBanner('Changed while away');
    } finally {
      await cdp.send('Debugger.resume').catch(() => undefined); // not paused yet if no script ran meanwhile
      await cdp.send('Debugger.disable');
    }

    await page.locator(CONNECTED).waitFor({ timeout: 20_000 });
    await waitForText(page, BANNER, 'Changed while away');
    expect(await page.getAttribute(BANNER, 'data-visible')).toBe('true');
    expect(await page.getAttribute(ROOT, 'data-revision')).toBe(String(await serverRevision()));

    // And it is live again: a push after the reconnect arrives too.
    await setBanner('Back on air');
    await waitForText(page, BANNER, 'Back on air');
    expect(consoleErrors.unexpected(), formatErrors(consoleErrors.unexpected())).toEqual([]);
    await cdp.detach();
    await page.close();
  });
});
