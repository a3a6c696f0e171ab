import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  assertWebBuilt,
  byTestId,
  collectConsoleErrors,
  formatErrors,
  launchBrowser,
  type TestBrowser,
} from '../helpers/browser.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';

/**
 * The control UI against a real `roomcast start` (embedded Redis, real tokens) in real Chromium.
 * Every test gets a fresh browser profile, so no token survives from one test into the next.
 */
describe('control UI', () => {
  let roomcast: RoomcastProcess;
  let browser: TestBrowser;

  const at = (path: string) => new URL(path, roomcast.url).toString();

  beforeAll(async () => {
    assertWebBuilt();
    roomcast = await startRoomcast();
  });

  afterAll(async () => {
    await roomcast?.dispose();
  });

  beforeEach(async () => {
    browser = await launchBrowser();
  });

  afterEach(async () => {
    await browser?.close();
  });

  async function openPage() {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  test('signing in with the admin token through the form shows the dashboard with live health', async () => {
    const page = await openPage();
    const consoleErrors = collectConsoleErrors(page);

    await page.goto(at('/'));
    await page.locator(byTestId('login-form')).waitFor();
    await page.locator(byTestId('token-input')).fill(roomcast.adminToken);
    await page.locator(byTestId('login-submit')).click();

    await page.locator(byTestId('dashboard')).waitFor();
    await page.locator(byTestId('nav')).waitFor();
    await page.locator(byTestId('health-row', { name: 'redis', state: 'ok' })).waitFor();
    await page.locator(byTestId('health-row', { name: 'event-bus', state: 'ok' })).waitFor();
    await page.locator(byTestId('connection-state', { state: 'connected' })).waitFor();

    expect(await page.locator(byTestId('login-form')).count()).toBe(0);
    expect(await page.locator(byTestId('connection-state')).textContent()).toMatch(/connected/i);
    expect(consoleErrors.errors, formatErrors(consoleErrors.errors)).toEqual([]);
  });

  test('a wrong token is refused with a visible error and nothing is stored', async () => {
    const page = await openPage();
    await page.goto(at('/'));
    await page.locator(byTestId('token-input')).fill(`rct_${'A'.repeat(43)}`);
    await page.locator(byTestId('login-submit')).click();

    const error = page.locator(byTestId('login-error'));
    await error.waitFor();
    expect(await error.textContent()).toMatch(/not accepted/i);
    expect(await page.locator(byTestId('login-form')).isVisible()).toBe(true);
    expect(await page.locator(byTestId('dashboard')).count()).toBe(0);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  test('a #token= login link signs in and the token is removed from the address bar', async () => {
    const page = await openPage();
    const consoleErrors = collectConsoleErrors(page);

    await page.goto(at(`/#token=${encodeURIComponent(roomcast.adminToken)}`));
    await page.locator(byTestId('dashboard')).waitFor();
    await page.locator(byTestId('connection-state', { state: 'connected' })).waitFor();

    const url = new URL(page.url());
    expect(url.hash).toBe('');
    expect(page.url()).not.toContain(roomcast.adminToken);
    expect(await page.evaluate(() => document.title)).not.toContain('rct_');

    // The token was kept: a reload (no fragment any more) lands on the dashboard again.
    await page.reload();
    await page.locator(byTestId('health-row', { name: 'redis' })).waitFor();
    expect(await page.locator(byTestId('login-form')).count()).toBe(0);
    expect(consoleErrors.errors, formatErrors(consoleErrors.errors)).toEqual([]);
  });

  test('signing out forgets the token', async () => {
    const page = await openPage();
    await page.goto(at(`/#token=${encodeURIComponent(roomcast.adminToken)}`));
    await page.locator(byTestId('dashboard')).waitFor();

    await page.locator(byTestId('logout')).click();
    await page.locator(byTestId('login-form')).waitFor();
    await page.reload();
    await page.locator(byTestId('login-form')).waitFor();
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  test('an overlay token cannot open the control UI', async () => {
    const overlayToken = await roomcast.createToken('overlay');
    const page = await openPage();
    await page.goto(at('/'));
    await page.locator(byTestId('token-input')).fill(overlayToken);
    await page.locator(byTestId('login-submit')).click();

    const error = page.locator(byTestId('login-error'));
    await error.waitFor();
    expect(await error.textContent()).toMatch(/overlay token/i);
    expect(await page.locator(byTestId('dashboard')).count()).toBe(0);
  });
});
