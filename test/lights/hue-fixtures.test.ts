import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HueBridgeEmulator } from '../peers/hue/HueBridgeEmulator.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { sleep, waitFor } from '../helpers/wait.ts';
import { maxInWindow, transitionTimes } from './flashCount.ts';

/**
 * Hue lights as fixtures, end to end: the lights engine hands their states to the Hue adapter, which
 * talks to the emulated bridge (faithful v1 API and limits). What the bridge applies is what a bulb shows.
 */
describe('Hue lights as fixtures', () => {
  let bridge: HueBridgeEmulator;
  let rc: RoomcastProcess;

  beforeAll(async () => {
    bridge = new HueBridgeEmulator({ lights: ['color', 'color', 'dimmable'], usernames: ['roomcast-lights-test'] });
    await bridge.start();
    rc = await startRoomcast({
      configYaml: `
hue:
  bridges: [ { id: office, host: 127.0.0.1, port: ${bridge.port}, token: roomcast-lights-test } ]
lights:
  fixtures:
    - { id: desk, kind: hue, bridge: office, light: 1 }
    - { id: shelf, kind: hue, bridge: office, light: 2 }
    - { id: hall, kind: hue, bridge: office, light: 3, colour: false }
  baseLook: { all: { intensity: 0.5, colour: "#ffffff" } }
`,
    });
  });

  afterAll(async () => {
    await rc?.dispose();
    await bridge?.stop();
  });

  it('shows the base look, then an effect\'s colour, on the bulbs', async () => {
    await waitFor('the base look on the bulbs', () => bridge.lightState('1').on && bridge.lightState('1').bri === 128 && bridge.lightState('3').bri === 128, 15_000);
    const fired = await rc.api('/api/lights/fire', { method: 'POST', body: { effect: 'solid', params: { colour: '#ff0000' }, targets: { fixtures: ['desk'] }, durationMs: null } });
    expect(fired.status, JSON.stringify(fired.body)).toBe(202);
    await waitFor('desk to turn red', () => {
      const state = bridge.lightState('1');
      return state.on && state.bri === 254 && state.xy !== undefined && state.xy[0] > 0.6 && state.xy[1] < 0.35;
    });
    // The others keep the base look; the white-only bulb never gets colour.
    expect(bridge.lightState('2')).toMatchObject({ on: true, bri: 128 });
    expect(bridge.lightState('3').xy).toBeUndefined();
    await rc.api('/api/lights/stop', { method: 'POST', body: { all: true, fadeOutMs: 0 } });
    await waitFor('desk back to white', () => bridge.lightState('1').bri === 128);
  });

  it('a 10 Hz strobe reaches the bridge as at most 3 flashes per second', { timeout: 30_000 }, async () => {
    bridge.clearLog();
    const fired = await rc.api('/api/lights/fire', { method: 'POST', body: { effect: 'strobe', params: { rateHz: 10 }, targets: { fixtures: ['shelf'] }, durationMs: 5_000 } });
    expect(fired.status).toBe(202);
    await sleep(5_500);
    // Brightness the bulb was told, command by command (on:false counts as dark).
    const samples = bridge.commands
      .filter((c) => c.kind === 'light' && c.id === '2' && c.outcome === 'applied')
      .map((c) => ({ t: c.at, v: c.body['on'] === false ? 0 : typeof c.body['bri'] === 'number' ? (c.body['bri'] as number) / 254 : Number.NaN }))
      .filter((s) => !Number.isNaN(s.v));
    expect(samples.length).toBeGreaterThan(10);
    const transitions = transitionTimes(samples, 0.1, 0.8);
    expect(maxInWindow(transitions)).toBeLessThanOrEqual(6);
    expect(transitions.length).toBeGreaterThanOrEqual(10);
    expect(bridge.commands.filter((c) => c.outcome === 'dropped')).toEqual([]);
  });
});
