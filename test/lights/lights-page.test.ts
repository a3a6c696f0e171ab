import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertWebBuilt, byTestId, collectConsoleErrors, formatErrors, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';

const CONFIG = `
lights:
  fixtures:
    - { id: left, name: Left par, profile: rgb-par-7ch, universe: 1, address: 1, groups: [front] }
    - { id: right, name: Right par, profile: rgb-par-7ch, universe: 1, address: 8, groups: [front] }
    - { id: strobe, name: Stage strobe, profile: dimmer, universe: 2, address: 1, flashLimitOptOut: "dedicated strobe, audience warned" }
  baseLook: { all: { intensity: 0.2, colour: "#ffffff" } }
`;

const lamp = (id: string) => byTestId('fixture-lamp', { fixture: id });

/** The Lights page in Chromium against a real server: virtual fixtures follow the engine live. */
describe('Lights page', () => {
  let rc: RoomcastProcess;
  let browser: TestBrowser;

  async function openLights(): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${rc.url}/#token=${encodeURIComponent(rc.adminToken)}`);
    await page.locator(byTestId('dashboard')).waitFor();
    await page.locator('.nav-link[data-page="lights"]').click();
    await page.locator(byTestId('lights-page', { link: 'live' })).waitFor();
    await page.locator(lamp('left')).waitFor();
    return page;
  }

  beforeAll(async () => {
    assertWebBuilt();
    rc = await startRoomcast({ configYaml: CONFIG });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await rc?.dispose();
  });

  test("a fixture's lamp changes colour when an effect is fired through the API, and returns to its base look", async () => {
    const page = await openLights();
    const errors = collectConsoleErrors(page);
    // Base look: white at 20 % -> #333333 emitted.
    await page.locator(byTestId('fixture-lamp', { fixture: 'left', colour: '#333333' })).waitFor();

    const fired = await rc.api('/api/lights/fire', { method: 'POST', body: { effect: 'solid', params: { colour: '#ff0000' }, targets: { fixtures: ['left'] }, durationMs: 1_500 } });
    expect(fired.status, JSON.stringify(fired.body)).toBe(202);
    await page.locator(byTestId('fixture-lamp', { fixture: 'left', colour: '#ff0000', intensity: '1.00' })).waitFor();
    // Only the target changed.
    expect(await page.getAttribute(lamp('right'), 'data-colour')).toBe('#333333');
    // The running list shows it while it runs, and the lamp goes back when it ends.
    await page.locator(byTestId('firing', { effect: 'solid' })).waitFor();
    await page.locator(byTestId('fixture-lamp', { fixture: 'left', colour: '#333333' })).waitFor({ timeout: 10_000 });
    await page.locator(byTestId('firing')).waitFor({ state: 'detached' });
    expect(errors.errors, formatErrors(errors.errors)).toEqual([]);
    await page.close();
  });

  test('test-fire buttons fire at the selected lamps; the opted-out fixture is flagged', async () => {
    const page = await openLights();
    const warning = page.locator(byTestId('lights-safety-warning'));
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/flash limit is OFF for 1 fixture.*Stage strobe.*dedicated strobe, audience warned/s);

    await page.locator(`${lamp('right')} button.lamp`).click();
    expect(await page.getAttribute(`${lamp('right')} button.lamp`, 'aria-pressed')).toBe('true');
    await page.locator(`${byTestId('effect-row', { effect: 'solid' })} .effect-toggle`).click();
    await page.locator('#param-solid-colour').fill('#00ff00');
    await page.locator(byTestId('effect-fire', { effect: 'solid' })).click();
    await page.locator(byTestId('fixture-lamp', { fixture: 'right', colour: '#00ff00' })).waitFor();
    expect(await page.getAttribute(lamp('left'), 'data-colour')).toBe('#333333');
    await page.locator(byTestId('stop-all')).click();
    await page.locator(byTestId('fixture-lamp', { fixture: 'right', colour: '#333333' })).waitFor();
    await page.close();
  });

  test('the patch editor refuses an overlap with the server message, then adds the fixture as a new lamp', async () => {
    const page = await openLights();
    await page.locator(byTestId('patch-add')).click();
    const form = page.locator(byTestId('fixture-form'));
    await form.locator('input[name="id"]').fill('centre');
    await form.locator('input[name="name"]').fill('Centre wash');
    await form.locator('select[name="profile"]').selectOption('rgbw');
    await form.locator('input[name="address"]').fill('5');
    await page.locator(byTestId('fixture-save')).click();
    const error = page.locator(byTestId('patch-error'));
    await error.waitFor();
    expect(await error.textContent()).toContain('fixture "centre" (universe 1, slots 5-8) overlaps fixture "left" (fixtures[0], slots 1-7)');

    await form.locator('input[name="address"]').fill('15');
    await page.locator(byTestId('fixture-save')).click();
    await page.locator(lamp('centre')).waitFor();
    await page.locator(byTestId('patch-editor', { source: 'saved' })).waitFor();
    expect(await page.locator(byTestId('patch-row', { fixture: 'centre' })).textContent()).toContain('U1 · 15–18');
    await page.close();
  });
});
