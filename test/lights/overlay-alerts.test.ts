import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertWebBuilt, byTestId, collectConsoleErrors, formatErrors, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';

const ALERT = byTestId('overlay-alert');

/** Alert and effect animations on the OBS overlay, fired through the API, in Chromium. */
describe('overlay alert animations', () => {
  let rc: RoomcastProcess;
  let browser: TestBrowser;
  let token: string;

  async function openOverlay(query: string): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${rc.url}/overlay/?room=demo${query}#token=${encodeURIComponent(token)}`);
    await page.locator(byTestId('overlay-root', { connection: 'connected' })).waitFor();
    return page;
  }

  beforeAll(async () => {
    assertWebBuilt();
    rc = await startRoomcast();
    token = await rc.createToken('overlay');
    // OBS's browser source plays audio without a click; so does Chromium with this policy.
    browser = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
  });

  afterAll(async () => {
    await browser?.close();
    await rc?.dispose();
  });

  test('an effect fired through the lights API with `announce` shows the effect animation, with its sound', async () => {
    const page = await openOverlay('&sound=on&volume=0.3');
    const errors = collectConsoleErrors(page);
    const fired = await rc.api('/api/lights/fire', {
      method: 'POST',
      body: { effect: 'rainbow', durationMs: 2_000, room: 'demo', announce: { title: 'Rainbow!', message: 'fired from chat', durationMs: 2_500 } },
    });
    expect(fired.status, JSON.stringify(fired.body)).toBe(202);

    const alert = page.locator(ALERT, { hasText: 'Rainbow!' });
    await alert.waitFor();
    expect(await alert.getAttribute('data-kind')).toBe('effect');
    expect(await alert.getAttribute('data-style')).toBe('effect');
    expect(await alert.locator('.alert-message').textContent()).toBe('fired from chat');
    expect(await alert.locator('.alert-icon svg').count()).toBe(1);
    expect(await alert.locator('.alert-particle').count()).toBe(8);
    // Really animated: the card's glow and the sparks have running CSS animations.
    const animations = await alert.evaluate((el) => el.getAnimations({ subtree: true }).map((a) => (a as CSSAnimation).animationName));
    expect(animations).toEqual(expect.arrayContaining(['effect-glow', 'twinkle']));
    await page.locator(byTestId('overlay-alert', { sound: 'shimmer' })).waitFor();
    await alert.waitFor({ state: 'detached', timeout: 10_000 });

    // An announce needs a room that exists; nothing fires otherwise.
    const wrongRoom = await rc.api('/api/lights/fire', { method: 'POST', body: { effect: 'solid', room: 'nowhere', announce: { title: 'x' } } });
    expect(wrongRoom.status).toBe(404);
    expect((await rc.api('/api/lights/firings')).body.firings.filter((f: { effect: string }) => f.effect === 'solid')).toEqual([]);
    expect(errors.errors, formatErrors(errors.errors)).toEqual([]);
    await page.close();
  });

  test('donation, gesture and chat alerts each get their own animation and colour; sound only for the kinds asked', async () => {
    const page = await openOverlay('&sound=donation');
    const post = (body: object) => rc.api('/api/rooms/demo/overlay/alerts', { method: 'POST', body: { durationMs: 1_000, ...body } });

    await post({ kind: 'donation', title: 'Ada donated 25 €', message: 'Keep the lights dancing!' });
    const donation = page.locator(ALERT, { hasText: 'Ada donated' });
    await donation.waitFor();
    expect(await donation.getAttribute('data-style')).toBe('donation');
    expect(await donation.locator('.alert-particle').count()).toBe(14);
    expect(await donation.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(255, 196, 0)');
    const donationAnimations = await donation.evaluate((el) => el.getAnimations({ subtree: true }).map((a) => (a as CSSAnimation).animationName));
    expect(donationAnimations).toEqual(expect.arrayContaining(['burst', 'coin-flip']));
    await page.locator(byTestId('overlay-alert', { sound: 'coin' })).waitFor();
    await donation.waitFor({ state: 'detached' });

    await post({ kind: 'chat', title: 'linus_t', message: '!lights rainbow' });
    const chat = page.locator(ALERT, { hasText: 'linus_t' });
    await chat.waitFor();
    expect(await chat.getAttribute('data-style')).toBe('chat');
    expect(await chat.evaluate((el) => getComputedStyle(el).animationName)).toBe('bubble-in');
    expect(await chat.getAttribute('data-sound')).toBeNull();
    await chat.waitFor({ state: 'detached' });

    await post({ kind: 'gesture', title: 'Thumbs up!' });
    const gesture = page.locator(ALERT, { hasText: 'Thumbs up!' });
    await gesture.waitFor();
    expect(await gesture.evaluate((el) => getComputedStyle(el).animationName)).toBe('alert-in-side');
    await page.close();
  });

  test('a custom accent from the URL colours every kind', async () => {
    const page = await openOverlay('&accent=%2300c2ff&theme=light');
    await rc.api('/api/rooms/demo/overlay/alerts', { method: 'POST', body: { kind: 'donation', title: 'Branded', durationMs: 1_000 } });
    const alert = page.locator(ALERT, { hasText: 'Branded' });
    await alert.waitFor();
    expect(await alert.evaluate((el) => getComputedStyle(el).borderTopColor)).toBe('rgb(0, 194, 255)');
    expect(await page.getAttribute(byTestId('overlay-root'), 'data-theme')).toBe('light');
    await page.close();
  });
});
