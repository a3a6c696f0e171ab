import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthEntry } from '../../server/protocol/health.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { sleep, waitFor } from '../helpers/wait.ts';
import { HueBridgeEmulator } from '../peers/hue/HueBridgeEmulator.ts';

/**
 * The hue feature in a real `roomcast start` process against an emulated bridge: pairing through the
 * API, the username kept in the data dir (and nowhere else), discovery, health when the bridge goes
 * away and comes back, and a restart that needs no new pairing.
 */

let bridge: HueBridgeEmulator;
let server: RoomcastProcess;

async function hueHealth(): Promise<HealthEntry | undefined> {
  const { body } = await server.api('/api/health');
  return (body.entries as HealthEntry[]).find((e) => e.name === 'adapter:hue:living');
}

const waitForHueHealth = (state: HealthEntry['state'], timeoutMs = 15_000) =>
  waitFor(`adapter:hue:living to be ${state}`, async () => ((await hueHealth())?.state === state ? hueHealth() : undefined), timeoutMs, 50);

beforeAll(async () => {
  bridge = new HueBridgeEmulator({ lights: 20 });
  await bridge.start();
  server = await startRoomcast({
    configYaml: [
      'hue:',
      '  pollIntervalMs: 250',
      '  pairingTimeoutMs: 2000',
      '  requestTimeoutMs: 1000',
      '  bridges:',
      '    - id: living',
      '      host: 127.0.0.1',
      `      port: ${bridge.port}`,
    ].join('\n'),
  });
});

afterAll(async () => {
  await server?.dispose();
  await bridge?.stop();
});

describe('hue feature in a running server', () => {
  it('before pairing: degraded "not paired", and discovery says how to pair', async () => {
    const health = await waitForHueHealth('degraded');
    expect(health.reason).toMatch(/not paired: POST \/api\/hue\/bridges\/living\/pair, then press the bridge's link button/);
    const lights = await server.api('/api/hue/bridges/living/lights');
    expect(lights.status).toBe(409);
    expect(lights.body.error.code).toBe('not_paired');
    const unknown = await server.api('/api/hue/bridges/kitchen/lights');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('unknown hue bridge "kitchen" (known: living)');
  });

  it('pairing is for admins, and keeps asking until the link button is pressed (101 until then)', async () => {
    const operator = await server.createToken('operator');
    expect((await server.api('/api/hue/bridges/living/pair', { method: 'POST', token: operator, body: {} })).status).toBe(403);

    const refused = await server.api('/api/hue/bridges/living/pair', { method: 'POST', body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({ code: 'link_button_not_pressed', message: 'the link button on Hue bridge "living" was not pressed within 2 s: press it, then pair again' });
    expect(bridge.pairingAttempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(bridge.pairingAttempts.map((a) => a.outcome))).toEqual(new Set(['link button not pressed']));
    expect(bridge.pairingAttempts[0]!.devicetype).toMatch(/^roomcast#/);
    expect(bridge.usernames).toEqual([]);
  });

  it('pressing the button while pairing pairs it: username stored in the data dir (0600), never in logs or API answers', async () => {
    const pairing = server.api('/api/hue/bridges/living/pair', { method: 'POST', body: { wait: true } });
    await sleep(700);
    bridge.pressLinkButton();
    const paired = await pairing;
    expect(paired.status).toBe(200);
    expect(paired.body).toMatchObject({ paired: true, bridgeid: '001788FFFE0A1B2C', lights: 20, groups: 3, status: { state: 'connected', credentials: 'pairing' } });
    expect(bridge.usernames).toHaveLength(1);
    const username = bridge.usernames[0]!;

    const file = path.join(server.dataDir, 'hue', 'pairings.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1, bridges: { living: { token: username, bridgeid: '001788FFFE0A1B2C' } } });

    await waitForHueHealth('ok');
    const listed = await server.api('/api/hue/bridges');
    expect(listed.body.bridges).toEqual([expect.objectContaining({ id: 'living', state: 'connected', lights: 20, groups: 3, credentials: 'pairing' })]);
    expect(JSON.stringify(listed.body)).not.toContain(username);
    expect(JSON.stringify(paired.body)).not.toContain(username);
    expect(server.output()).toContain('paired with the Hue bridge');
    expect(server.output()).not.toContain(username);
  });

  it('discovers lights (kind and capabilities) and groups (group 0 first)', async () => {
    const { status, body } = await server.api('/api/hue/bridges/living/lights');
    expect(status).toBe(200);
    expect(body.lights).toHaveLength(20);
    expect(body.lights[0]).toEqual({
      id: '1',
      name: 'Hue color lamp 1',
      type: 'Extended color light',
      modelid: 'LCT015',
      productname: 'Hue color lamp',
      reachable: true,
      on: expect.any(Boolean),
      capabilities: { dimmable: true, colour: true, ct: { min: 153, max: 500 } },
    });
    expect(body.lights[2].capabilities).toEqual({ dimmable: true, colour: false, ct: { min: 153, max: 454 } });
    expect(body.lights[4]).toMatchObject({ type: 'Dimmable light', capabilities: { dimmable: true, colour: false } });
    expect(body.lights[4].capabilities.ct).toBeUndefined();

    const groups = await server.api('/api/hue/bridges/living/groups');
    expect(groups.body.groups.map((g: { id: string; name: string; type: string }) => [g.id, g.name, g.type])).toEqual([
      ['0', 'Group 0', 'LightGroup'],
      ['1', 'Living room', 'Room'],
      ['2', 'Stage', 'Zone'],
    ]);
    expect(groups.body.groups[1].lights).toHaveLength(10);
  });

  it('bridge gone: health down with the reason; bridge back: ok again', async () => {
    await bridge.stop();
    const down = await waitForHueHealth('down');
    expect(down.reason).toMatch(new RegExp(`unreachable at 127\\.0\\.0\\.1:${bridge.port}: .*ECONNREFUSED`));
    expect((await server.api('/api/hue/bridges/living/lights')).status).toBe(502);
    expect((await server.api('/readyz', { token: null })).status).toBe(200); // an adapter is not critical
    await bridge.start();
    await waitForHueHealth('ok');
  });

  it('after a restart it connects with the stored username: no new pairing, still nothing in the logs', async () => {
    const attempts = bridge.pairingAttempts.length;
    const username = bridge.usernames[0]!;
    await server.stop();
    await server.start();
    await waitForHueHealth('ok');
    expect(bridge.pairingAttempts.length).toBe(attempts);
    expect(bridge.usernames).toEqual([username]);
    expect((await server.api('/api/hue/bridges/living/lights')).body.lights).toHaveLength(20);
    expect(server.output()).not.toContain(username);
  });
});
