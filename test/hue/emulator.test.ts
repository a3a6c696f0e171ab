import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HueBridgeEmulator } from '../peers/hue/HueBridgeEmulator.ts';
import { maxInAnyWindow } from '../peers/hue/slidingWindow.ts';

/**
 * The emulated bridge is the Hue adapter's only peer, so it is specified like one: these are the
 * answers a real bridge (v1 API) gives, and the limits it enforces.
 */

let bridge: HueBridgeEmulator;
let user: string;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(`${bridge.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

beforeAll(async () => {
  bridge = new HueBridgeEmulator({ lights: ['color', 'ambiance', 'dimmable', 'color-only', 'plug', 'color'], limits: { lightCommandsPerSecond: 10, groupCommandsPerSecond: 1 } });
  await bridge.start();
});

afterAll(async () => {
  await bridge.stop();
});

describe('Hue bridge emulator: pairing', () => {
  it('shows the unauthenticated config subset to anyone', async () => {
    const { status, json } = await call('GET', '/api/config');
    expect(status).toBe(200);
    expect(json).toEqual({
      name: expect.any(String),
      datastoreversion: expect.any(String),
      swversion: expect.any(String),
      apiversion: '1.67.0',
      mac: expect.any(String),
      bridgeid: '001788FFFE0A1B2C',
      factorynew: false,
      replacesbridgeid: null,
      modelid: 'BSB002',
      starterkitid: '',
    });
    expect(json).not.toHaveProperty('whitelist');
    expect((await call('GET', '/api/nobody/config')).json).toEqual(json);
  });

  it('answers 101 until the link button is pressed, then creates a username', async () => {
    expect((await call('POST', '/api', { devicetype: 'roomcast#test' })).json).toEqual([{ error: { type: 101, address: '', description: 'link button not pressed' } }]);
    expect((await call('POST', '/api', { devicetype: 'x'.repeat(21) + '#test' })).json).toEqual([
      { error: { type: 7, address: '/devicetype', description: `invalid value, ${'x'.repeat(21)}#test, for parameter, devicetype` } },
    ]);
    expect((await call('POST', '/api', {})).json).toEqual([{ error: { type: 5, address: '/', description: 'invalid/missing parameters in body' } }]);
    expect((await call('POST', '/api', '{not json')).json).toEqual([{ error: { type: 2, address: '', description: 'body contains invalid json' } }]);

    bridge.pressLinkButton(30_000);
    const created = (await call('POST', '/api', { devicetype: 'roomcast#test', generateclientkey: true })).json as [{ success: { username: string; clientkey: string } }];
    expect(created[0].success.username).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(created[0].success.clientkey).toMatch(/^[0-9A-F]{32}$/);
    user = created[0].success.username;
    expect(bridge.pairingAttempts.map((a) => a.outcome)).toEqual(['link button not pressed', 'invalid', 'invalid', 'invalid', 'created']);
    bridge.pressLinkButton(0);
  });

  it('refuses unknown users with type 1 at the resource address', async () => {
    expect((await call('GET', '/api/nobody/lights')).json).toEqual([{ error: { type: 1, address: '/lights', description: 'unauthorized user' } }]);
    expect((await call('PUT', '/api/nobody/lights/1/state', { on: true })).json).toEqual([{ error: { type: 1, address: '/lights/1/state', description: 'unauthorized user' } }]);
    expect((await call('GET', '/api/nobody')).json).toEqual([{ error: { type: 1, address: '/', description: 'unauthorized user' } }]);
  });
});

describe('Hue bridge emulator: resources', () => {
  it('serves the full state, lights with their real types, and groups including group 0', async () => {
    const full = (await call('GET', `/api/${user}`)).json as Record<string, Record<string, unknown>>;
    expect(Object.keys(full).sort()).toEqual(['config', 'groups', 'lights', 'resourcelinks', 'rules', 'scenes', 'schedules', 'sensors']);
    expect(full['config']!['whitelist']).toHaveProperty(user);

    const lights = (await call('GET', `/api/${user}/lights`)).json as Record<string, { type: string; state: Record<string, unknown>; capabilities: { control: Record<string, unknown> } }>;
    expect(Object.keys(lights)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(lights['1']!.type).toBe('Extended color light');
    expect(Object.keys(lights['1']!.state)).toEqual(expect.arrayContaining(['on', 'bri', 'xy', 'ct', 'colormode', 'reachable']));
    expect(lights['2']!.type).toBe('Color temperature light');
    expect(lights['2']!.capabilities.control['ct']).toEqual({ min: 153, max: 454 });
    expect(lights['2']!.state).not.toHaveProperty('xy');
    expect(lights['3']!.type).toBe('Dimmable light');
    expect(lights['4']!.type).toBe('Color light');
    expect(lights['5']!.type).toBe('On/Off plug-in unit');
    expect(lights['5']!.state).not.toHaveProperty('bri');

    expect((await call('GET', `/api/${user}/lights/99`)).json).toEqual([{ error: { type: 3, address: '/lights/99', description: 'resource, /lights/99, not available' } }]);
    expect((await call('GET', `/api/${user}/groups/0`)).json).toMatchObject({ name: 'Group 0', type: 'LightGroup', lights: ['1', '2', '3', '4', '5', '6'] });
    const groups = (await call('GET', `/api/${user}/groups`)).json as Record<string, { type: string; lights: string[] }>;
    expect(Object.keys(groups)).toEqual(['1', '2']); // group 0 is not listed, as on a real bridge
    expect(groups['1']).toMatchObject({ type: 'Room', lights: ['1', '2', '3'] });
    expect((await call('DELETE', `/api/${user}/lights/1/state`)).json).toEqual([
      { error: { type: 4, address: '/lights/1/state', description: 'method, DELETE, not available for resource, /lights/1/state' } },
    ]);
  });
});

describe('Hue bridge emulator: state writes', () => {
  it('answers each parameter: success entries, type 7 for bad values, 6 for parameters the light lacks, 201 while off', async () => {
    const ok = await call('PUT', `/api/${user}/lights/1/state`, { on: true, bri: 200, xy: [0.3, 0.4], transitiontime: 5 });
    expect(ok.json).toEqual([
      { success: { '/lights/1/state/on': true } },
      { success: { '/lights/1/state/bri': 200 } },
      { success: { '/lights/1/state/xy': [0.3, 0.4] } },
      { success: { '/lights/1/state/transitiontime': 5 } },
    ]);
    expect(bridge.lightState('1')).toMatchObject({ on: true, bri: 200, xy: [0.3, 0.4], colormode: 'xy' });

    const bad = await call('PUT', `/api/${user}/lights/1/state`, { bri: 300, xy: [1.2, 0.5], ct: 100, transitiontime: -1, sparkle: true });
    expect(bad.json).toEqual([
      { error: { type: 7, address: '/lights/1/state/bri', description: 'invalid value, 300, for parameter, bri' } },
      { error: { type: 7, address: '/lights/1/state/xy', description: 'invalid value, [1.2,0.5], for parameter, xy' } },
      { error: { type: 7, address: '/lights/1/state/ct', description: 'invalid value, 100, for parameter, ct' } },
      { error: { type: 7, address: '/lights/1/state/transitiontime', description: 'invalid value, -1, for parameter, transitiontime' } },
      { error: { type: 6, address: '/lights/1/state/sparkle', description: 'parameter, sparkle, not available' } },
    ]);
    expect(bridge.lightState('1').bri).toBe(200);

    expect((await call('PUT', `/api/${user}/lights/3/state`, { on: true, xy: [0.3, 0.3] })).json).toEqual([
      { success: { '/lights/3/state/on': true } },
      { error: { type: 6, address: '/lights/3/state/xy', description: 'parameter, xy, not available' } },
    ]);
    expect((await call('PUT', `/api/${user}/lights/2/state`, { on: false })).json).toEqual([{ success: { '/lights/2/state/on': false } }]);
    expect((await call('PUT', `/api/${user}/lights/2/state`, { bri: 10 })).json).toEqual([
      { error: { type: 201, address: '/lights/2/state/bri', description: 'parameter, bri, is not modifiable. Device is set to off.' } },
    ]);
    // A white-ambiance light takes any ct in 153..500 and clips it to its own range.
    await call('PUT', `/api/${user}/lights/2/state`, { on: true, ct: 500 });
    expect(bridge.lightState('2').ct).toBe(454);
    expect((await call('PUT', `/api/${user}/lights/1/state`, '{"on":')).json).toEqual([{ error: { type: 2, address: '/lights/1/state', description: 'body contains invalid json' } }]);
    expect((await call('PUT', `/api/${user}/lights/77/state`, { on: true })).json).toEqual([{ error: { type: 3, address: '/lights/77/state', description: 'resource, /lights/77/state, not available' } }]);
  });

  it('applies a group action to each member as it can: xy on colour lights, ct on white ambiance, nothing to lights left off', async () => {
    await call('PUT', `/api/${user}/lights/3/state`, { on: false });
    await new Promise((r) => setTimeout(r, 1_100)); // the group budget is 1/s
    const reply = await call('PUT', `/api/${user}/groups/1/action`, { bri: 120, xy: [0.2, 0.3], ct: 250 });
    expect(reply.json).toEqual([
      { success: { '/groups/1/action/bri': 120 } },
      { success: { '/groups/1/action/xy': [0.2, 0.3] } },
      { success: { '/groups/1/action/ct': 250 } },
    ]);
    expect(bridge.lightState('1')).toMatchObject({ bri: 120, xy: [0.2, 0.3], colormode: 'xy' });
    expect(bridge.lightState('2')).toMatchObject({ bri: 120, ct: 250, colormode: 'ct' });
    expect(bridge.lightState('3')).toMatchObject({ on: false, bri: 254 });
  });
});

describe('Hue bridge emulator: limits', () => {
  it('over 10 light commands in a second, silently drops the rest (the answer still says success)', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    bridge.clearLog();
    const replies = await Promise.all(Array.from({ length: 15 }, (_, i) => call('PUT', `/api/${user}/lights/6/state`, { on: true, bri: 10 + i })));
    expect(replies.every((r) => JSON.stringify(r.json).includes('success'))).toBe(true);
    const outcomes = bridge.commands.map((c) => c.outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'dropped')).toHaveLength(5);
    expect(maxInAnyWindow(bridge.commands.filter((c) => c.outcome !== 'dropped').map((c) => c.at))).toBe(10);
    // What the light shows is the 10th command, not the last one sent: the rest never reached it.
    const lastApplied = bridge.commands.filter((c) => c.outcome === 'applied').at(-1)!;
    expect(bridge.lightState('6').bri).toBe(lastApplied.body['bri']);
  });

  it('over 1 group command per second, drops too; with overload "http-503" it answers 503 instead', async () => {
    await new Promise((r) => setTimeout(r, 1_100));
    bridge.clearLog();
    await call('PUT', `/api/${user}/groups/2/action`, { on: true });
    await call('PUT', `/api/${user}/groups/2/action`, { on: false });
    expect(bridge.commands.map((c) => c.outcome)).toEqual(['applied', 'dropped']);

    const strict = new HueBridgeEmulator({ lights: 2, usernames: ['preset-user'], overload: 'http-503' });
    await strict.start();
    try {
      const put = () => fetch(`${strict.url}/api/preset-user/groups/0/action`, { method: 'PUT', body: '{"on":true}' });
      expect((await put()).status).toBe(200);
      const refused = await put();
      expect(refused.status).toBe(503);
      expect(await refused.text()).toContain('Service Temporarily Unavailable');
    } finally {
      await strict.stop();
    }
  });

  it('goes away and comes back on the same port with its users and light states', async () => {
    const port = bridge.port;
    const before = bridge.lightState('1');
    await bridge.stop();
    await expect(fetch(`${bridge.url}/api/config`)).rejects.toThrow();
    await bridge.start();
    expect(bridge.port).toBe(port);
    expect((await call('GET', `/api/${user}/lights/1`)).json).toMatchObject({ state: before });
  });
});
