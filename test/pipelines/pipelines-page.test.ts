import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { assertWebBuilt, byTestId, collectConsoleErrors, formatErrors, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';

const FAULTY_PLUGIN = fileURLToPath(new URL('./fixtures/faultyPlugin.ts', import.meta.url));
const CONFIG = `plugins:
  - ${FAULTY_PLUGIN}
pipelines:
  - id: steady
    name: Steady ticks
    source: { type: synthetic, kind: event, rate: 20 }
    stages:
      - { id: record, type: faulty.record, options: { key: ui } }
    sinks:
      - { type: log, level: debug }
  - id: thrower
    source: { type: synthetic, kind: video, rate: 10, width: 16, height: 16 }
    stages:
      - { id: boom, type: faulty.throw, options: { message: lens cap on } }
    restart: { initialDelayMs: 200, maxDelayMs: 5000 }
`;

const row = (pipeline: string, stage: string) => byTestId('stage-row', { pipeline, stage });

/** The Pipelines page in Chromium against a real server: live figures, problems, and the switch. */
describe('Pipelines page', () => {
  let rc: RoomcastProcess;
  let browser: TestBrowser;

  async function openPipelines(token: string): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${rc.url}/#token=${encodeURIComponent(token)}`);
    await page.locator(byTestId('dashboard')).waitFor();
    await page.locator('.nav-link[data-page="pipelines"]').click();
    await page.locator(byTestId('pipelines-page', { link: 'live' })).waitFor();
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

  test('shows every pipeline with each stage live, and a failing stage with its reason and restarts', async () => {
    const page = await openPipelines(rc.adminToken);
    const errors = collectConsoleErrors(page);
    await page.locator(byTestId('pipeline-card', { id: 'steady', enabled: 'true', health: 'ok' })).waitFor();
    // Rates are sampled each second: ~20 events/s through the recording stage.
    await page.waitForFunction((sel) => parseFloat(document.querySelector(sel)?.textContent ?? '0') >= 10, `${row('steady', 'record')} [data-testid="stage-in-rate"]`);
    expect(await page.locator(`${byTestId('pipeline-card', { id: 'steady' })} h2`).textContent()).toBe('Steady ticks');
    await page.locator(byTestId('stage-row', { pipeline: 'steady', stage: 'log', role: 'sink', state: 'running' })).waitFor();

    await page.locator(byTestId('pipeline-card', { id: 'thrower', health: 'degraded' })).waitFor();
    await expect.poll(async () => page.locator(byTestId('pipeline-problems')).textContent()).toMatch(/stage "boom" \(faulty\.throw\) process\(\) threw: lens cap on at frame \d+/);
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.textContent ?? '0') >= 2, `${row('thrower', 'boom')} [data-testid="stage-restarts"]`);
    expect(errors.unexpected(), formatErrors(errors.unexpected())).toEqual([]);
    await page.close();
  });

  test('the switch turns a pipeline off and on (operators), and the figures follow', async () => {
    const operator = await rc.createToken('operator', 'pipelines page');
    const page = await openPipelines(operator);
    const toggle = `${byTestId('pipeline-card', { id: 'steady' })} ${byTestId('pipeline-toggle')}`;
    await page.locator(byTestId('pipeline-card', { id: 'steady', enabled: 'true' })).waitFor();
    await page.locator(toggle).click();
    await page.locator(byTestId('pipeline-card', { id: 'steady', enabled: 'false' })).waitFor();
    await page.locator(byTestId('stage-row', { pipeline: 'steady', stage: 'record', state: 'stopped' })).waitFor();
    expect((await rc.api('/api/pipelines/steady')).body.pipeline.enabled).toBe(false);

    await page.locator(toggle).click();
    await page.locator(byTestId('pipeline-card', { id: 'steady', enabled: 'true' })).waitFor();
    await page.waitForFunction((sel) => parseFloat(document.querySelector(sel)?.textContent ?? '0') >= 10, `${row('steady', 'record')} [data-testid="stage-in-rate"]`);
    expect((await rc.api('/api/pipelines/steady')).body.pipeline.enabled).toBe(true);
    // Operators see no reload button (admins only).
    expect(await page.locator(byTestId('reload-button')).count()).toBe(0);
    await page.close();
  });
});
