import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import type { OverlayAlert } from '../../server/protocol/overlayEvents.ts';
import { collectConsoleErrors, formatErrors, launchBrowser, type ConsoleErrorCollector, type TestBrowser } from '../helpers/browser.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { connectSocket } from '../helpers/sockets.ts';
import { waitFor } from '../helpers/wait.ts';
import { makeGestureVideo } from './helpers/gestureVideo.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-gestures-page-'));
let server: RoomcastProcess;
let browser: TestBrowser;
let page: Page;
let video: string;
/** Console errors and uncaught exceptions in the page: one in a render tears the page down, live state and all. */
let errors: ConsoleErrorCollector;

beforeAll(async () => {
  video = path.join(dir, 'thumbs.avi');
  // A thumbs up held for 2 s (a real photo), then 1 s of empty wall, looped: gestures keep starting.
  await makeGestureVideo(video, [{ page: 17, frames: 20 }, { frames: 10 }], 10);
  server = await startRoomcast({
    configYaml: `rooms:
  - id: demo
pipelines:
  - id: desk
    source: { type: file, path: ${JSON.stringify(video)}, loop: true, fps: 10 }
    stages:
      - { id: hands, type: gesture }
gestures:
  rules:
    - gesture: thumbs_up
      cooldownMs: 600000
      actions:
        - { type: overlay.alert, kind: gesture, title: "Thumbs up" }
`,
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${server.url}/#token=${encodeURIComponent(server.adminToken)}`);
  errors = collectConsoleErrors(page);
  await page.locator('[data-testid=dashboard]').waitFor({ timeout: 60_000 });
  await page.evaluate(() => (window.location.hash = '#/gestures'));
  await page.locator('[data-testid=gestures-page]').waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Gestures page', () => {
  it('shows the source live: picture, drawn landmarks, the current label and confidence, and gestures as they start', { timeout: 120_000 }, async () => {
    // The first detection waits for the worker's models and the decoder: generous on a busy machine.
    await page.locator('[data-testid=gesture-current-label][data-label=thumbs_up]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=gesture-source]').inputValue()).toBe(`file:${video}`);
    // The video alternates hand and empty wall: wait for a readout taken while the hand is in view.
    await page.locator('[data-testid=gesture-readout]', { hasText: /thumbs_up\s*\d+% · (Left|Right) hand/ }).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid=gesture-event]').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=gesture-event]').first().textContent()).toMatch(/thumbs_up/);
    await page.locator('[data-testid=gesture-active]').first().waitFor({ timeout: 10_000 });

    // The snapshot is drawn (the photo's bright wall), with the skeleton over it in the page's exact
    // finger colours (the photos carry dots of their own, in other colours).
    await waitFor('a snapshot with landmarks on the canvas', async () => {
      const stats = await page.locator('[data-testid=gesture-canvas]').evaluate((canvas: HTMLCanvasElement) => {
        const ctx = canvas.getContext('2d')!;
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
        const near = (i: number, [r, g, b]: number[]) => Math.abs(data[i]! - r!) <= 3 && Math.abs(data[i + 1]! - g!) <= 3 && Math.abs(data[i + 2]! - b!) <= 3;
        let bright = 0;
        let middle = 0;
        let little = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i]! + data[i + 1]! + data[i + 2]! > 450) bright++;
          if (near(i, [0x3e, 0xcf, 0x8e])) middle++;
          if (near(i, [0xb3, 0x7c, 0xff])) little++;
        }
        return { width: canvas.width, bright, middle, little };
      });
      return stats.width >= 320 && stats.bright > 10_000 && stats.middle > 20 && stats.little > 20;
    }, 20_000, 250);

    // Snapshots keep replacing each other while the page draws them (a freed one must never be drawn),
    // and gestures keep coming: through a whole hold-and-release cycle, nothing throws in the page.
    await page.locator('[data-testid=gesture-active]').first().waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('[data-testid=gesture-active]').first().waitFor({ timeout: 15_000 });
    expect(errors.unexpected(), formatErrors(errors.unexpected())).toEqual([]);
  });

  it('lists the rules, test-fires one (its overlay alert arrives), and saves an edit', { timeout: 60_000 }, async () => {
    const overlay: Socket = await connectSocket(`${server.url}/overlay`, await server.createToken('overlay'));
    const alerts: OverlayAlert[] = [];
    try {
      expect(await overlay.emitWithAck('overlay:sync', { room: 'demo' })).toMatchObject({ ok: true });
      overlay.on('overlay:alert', (a: OverlayAlert) => alerts.push(a));
      const rules = page.locator('[data-testid=gesture-rule]');
      await rules.first().waitFor();
      // The list renders from the API answer and from the socket snapshot; wait until they agree.
      await waitFor('the one configured rule', async () => (await rules.count()) === 1, 10_000);
      expect(await rules.first().locator('select').first().inputValue()).toBe('thumbs_up');

      await rules.first().locator('[data-testid=gesture-rule-test]').click();
      await page.locator('[data-testid=gesture-rules-message]', { hasText: 'ran overlay.alert in room demo' }).waitFor();
      await waitFor('the test alert', () => alerts.some((a) => a.title === 'Thumbs up'), 5_000);

      await page.locator('[data-testid=gesture-rule-add]').click();
      expect(await rules.count()).toBe(2);
      await rules.nth(1).locator('select').first().selectOption('pinch');
      await rules.nth(1).locator('textarea').fill('[{ "type": "overlay.alert" }]');
      await page.locator('[data-testid=gesture-rules-save]').click();
      // The server's own message, naming the bad parameter's path.
      await page.locator('[data-testid=gesture-rules-message]', { hasText: 'rules[1].actions[0].title' }).waitFor();
      await rules.nth(1).locator('textarea').fill('[{ "type": "overlay.banner", "text": "pinched" }]');
      await page.locator('[data-testid=gesture-rules-save]').click();
      await page.locator('[data-testid=gesture-rules-message]', { hasText: 'Saved 2 rules' }).waitFor();
      const saved = await server.api('/api/gestures/rules');
      expect(saved.body).toMatchObject({ origin: 'edited', rules: [{ gesture: 'thumbs_up' }, { gesture: 'pinch', actions: [{ type: 'overlay.banner', text: 'pinched' }] }] });

      await page.locator('[data-testid=gesture-rules-reset]').click();
      await waitFor('back to roomcast.yaml', async () => (await rules.count()) === 1);
      expect((await server.api('/api/gestures/rules')).body).toMatchObject({ origin: 'config' });
    } finally {
      overlay.close();
    }
  });
});
