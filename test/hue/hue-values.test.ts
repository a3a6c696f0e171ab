import { afterEach, describe, expect, it } from 'vitest';
import { HueStateError } from '../../adapters/hue/normalizeHueState.ts';
import type { HueState } from '../../adapters/lights/LightOutputs.ts';
import { sleep, waitFor } from '../helpers/wait.ts';
import { startHueRig, type HueTestRig } from './hueTestRig.ts';

/**
 * What the engine asks is not always what a light can show, or even a valid state: the output clamps
 * what is merely out of range, shapes commands to each light's kind (so the bridge never answers with
 * an error), and refuses what is not a state at all with an error that names the light and the field.
 */

let rig: HueTestRig | undefined;
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});

const lastBody = (r: HueTestRig, id: string) => r.emulator.commands.filter((c) => c.kind === 'light' && c.id === id).at(-1)?.body;

describe('Hue output: values from the engine', () => {
  it('refuses states that are not numbers with an error naming bridge, light, field and value', async () => {
    rig = await startHueRig({ emulator: { lights: 2 } });
    const bridge = rig.bridge;
    const base: HueState = { on: true, bri: 100, transitionMs: 0 };
    expect(() => bridge.setLight('1', { ...base, bri: Number.NaN })).toThrow(HueStateError);
    expect(() => bridge.setLight('1', { ...base, bri: Number.NaN })).toThrow('hue bridge "test" light "1": bri must be a number 1..254, got NaN');
    expect(() => bridge.setLight('1', { ...base, on: 'yes' as unknown as boolean })).toThrow('hue bridge "test" light "1": on must be true or false, got "yes"');
    expect(() => bridge.setLight('1', { ...base, xy: [0.3] as unknown as [number, number] })).toThrow('xy must be a pair [x, y] of numbers 0..1, got [0.3]');
    expect(() => bridge.setLight('1', { ...base, ct: Infinity })).toThrow('ct must be a number of mireds 153..500, got Infinity');
    expect(() => bridge.setGroup('1', { ...base, transitionMs: undefined as unknown as number })).toThrow('hue bridge "test" group "1": transitionMs must be a number of milliseconds >= 0, got undefined');
    await sleep(300);
    expect(rig.emulator.commands).toEqual([]); // nothing half-sent
  });

  it('clamps values out of range, maps the fade to 100 ms steps, and says what it clamped (once)', async () => {
    rig = await startHueRig({ emulator: { lights: ['color'] } });
    rig.bridge.setLight('1', { on: true, bri: 300, xy: [1.2, -0.1], transitionMs: 1_234 });
    await waitFor('the clamped command', () => lastBody(rig!, '1'));
    expect(lastBody(rig, '1')).toEqual({ on: true, bri: 254, xy: [1, 0], transitiontime: 12 });
    expect(rig.emulator.commands[0]!.outcome).toBe('applied');

    rig.bridge.setLight('1', { on: true, bri: 0, ct: 90, transitionMs: -50 });
    await waitFor('the second command', () => rig!.emulator.commands.length === 2);
    // A colour light with only a colour temperature asked: ct, clamped to 153.
    expect(lastBody(rig, '1')).toEqual({ on: true, bri: 1, ct: 153, transitiontime: 0 });
    const warnings = rig.logs.filter((l) => l.includes('clamped'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('bri 300 -> 254');
    rig.bridge.setLight('1', { on: true, bri: 301, xy: [1.3, -0.2], transitionMs: 0 });
    expect(rig.logs.filter((l) => l.includes('clamped'))).toHaveLength(2); // same fields again: no new warning
  });

  it('shapes each command to what the light can show, so the bridge accepts every one', async () => {
    rig = await startHueRig({ emulator: { lights: ['color', 'ambiance', 'dimmable', 'color-only', 'plug'] } });
    const warmRed: HueState = { on: true, bri: 150, xy: [0.55, 0.4], transitionMs: 300 };
    for (const id of ['1', '2', '3', '4', '5']) rig.bridge.setLight(id, warmRed);
    rig.bridge.setLight('4', { on: true, bri: 80, ct: 400, transitionMs: 0 }); // colour-only light, white asked
    await waitFor('5 commands', () => rig!.emulator.commands.length === 5, 5_000);
    expect(rig.emulator.commands.map((c) => c.outcome)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
    expect(lastBody(rig, '1')).toEqual({ on: true, bri: 150, xy: [0.55, 0.4], transitiontime: 3 });
    // White ambiance: the nearest white, within the light's own range (153..454).
    const ambiance = lastBody(rig, '2')!;
    expect(Object.keys(ambiance)).toEqual(['on', 'bri', 'ct', 'transitiontime']);
    expect(ambiance['ct']).toBeGreaterThan(400);
    expect(ambiance['ct']).toBeLessThanOrEqual(454);
    expect(lastBody(rig, '3')).toEqual({ on: true, bri: 150, transitiontime: 3 });
    expect(lastBody(rig, '5')).toEqual({ on: true, transitiontime: 3 });
    // Colour-only: 400 mireds (2500 K) as a point near the black-body curve.
    const strip = lastBody(rig, '4')!;
    expect(Object.keys(strip)).toEqual(['on', 'bri', 'xy', 'transitiontime']);
    expect((strip['xy'] as number[])[0]).toBeCloseTo(0.477, 2);
    expect((strip['xy'] as number[])[1]).toBeCloseTo(0.414, 2);

    // Off means only `on: false` (anything else would be "Device is set to off").
    rig.bridge.setLight('3', { on: false, bri: 40, transitionMs: 1_000 });
    await waitFor('light 3 off', () => rig!.emulator.lightState('3').on === false);
    expect(lastBody(rig, '3')).toEqual({ on: false, transitiontime: 10 });
  });

  it('ignores wishes for lights the bridge does not have, and its health names them', async () => {
    rig = await startHueRig({ emulator: { lights: 3 } });
    rig.bridge.setLight('42', { on: true, bri: 10, transitionMs: 0 });
    const degraded = await rig.waitForHealth('degraded');
    expect(degraded.reason).toBe('light "42" is not on this bridge (it has lights 1, 2, 3)');
    rig.bridge.setGroup('9', { on: true, bri: 10, transitionMs: 0 });
    await waitFor('group 9 in the reason', () => rig!.current().reason?.includes('group "9" is not on this bridge'));
    await sleep(300);
    expect(rig.emulator.commands).toEqual([]);
    expect(rig.bridge.status().problems).toHaveLength(2);
  });
});
