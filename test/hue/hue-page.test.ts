import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertWebBuilt, byTestId, collectConsoleErrors, formatErrors, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { sleep } from '../helpers/wait.ts';
import { HueBridgeEmulator } from '../peers/hue/HueBridgeEmulator.ts';

/** The Lights page's Hue section in Chromium: pair a bridge by pressing its (emulated) link button, list its lights. */
describe('Lights page: Hue bridges', () => {
  let bridge: HueBridgeEmulator;
  let rc: RoomcastProcess;
  let browser: TestBrowser;

  beforeAll(async () => {
    assertWebBuilt();
    bridge = new HueBridgeEmulator({ lights: 20 });
    await bridge.start();
    rc = await startRoomcast({
      configYaml: ['hue:', '  pollIntervalMs: 300', '  bridges:', `    - { id: living, host: 127.0.0.1, port: ${bridge.port} }`].join('\n'),
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await rc?.dispose();
    await bridge?.stop();
  });

  test('an admin pairs the bridge from the page while someone presses the link button, then sees its lights', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    const errors = collectConsoleErrors(page);
    await page.goto(`${rc.url}/#token=${encodeURIComponent(rc.adminToken)}`);
    await page.locator(byTestId('dashboard')).waitFor();
    await page.locator('.nav-link[data-page="lights"]').click();

    const row = (state: string) => page.locator(byTestId('hue-bridge', { bridge: 'living', state }));
    await row('unpaired').waitFor();
    expect(await row('unpaired').textContent()).toContain('not paired');

    await page.locator(byTestId('hue-pair')).click();
    await page.locator(byTestId('hue-pair-message')).waitFor();
    expect(await page.locator(byTestId('hue-pair-message')).textContent()).toMatch(/Press the link button on bridge “living”/);
    await sleep(800);
    bridge.pressLinkButton();

    await row('connected').waitFor();
    await page.locator(byTestId('hue-pair-message')).filter({ hasText: 'Paired: 20 lights, 2 groups.' }).waitFor();
    await page.locator(byTestId('hue-lights-toggle')).click();
    await page.locator(byTestId('hue-light-row', { light: '20' })).waitFor();
    expect(await page.locator(byTestId('hue-light-row')).count()).toBe(20);
    expect(await page.locator(byTestId('hue-light-row', { light: '3' })).textContent()).toContain('Color temperature light');
    expect(bridge.usernames).toHaveLength(1);
    expect(await page.content()).not.toContain(bridge.usernames[0]!);
    expect(errors.errors, formatErrors(errors.errors)).toEqual([]);
  });
});
