import { afterEach, describe, expect, it } from 'vitest';
import type { HueState } from '../../adapters/lights/LightOutputs.ts';
import { maxInAnyWindow } from '../peers/hue/slidingWindow.ts';
import { sleep, waitFor } from '../helpers/wait.ts';
import { seededRandom, startHueRig, type HueTestRig } from './hueTestRig.ts';

/**
 * The Hue output against an emulated bridge that enforces a real bridge's limits: whatever the engine
 * asks, how fast, the bridge never sees more than 10 light / 1 group commands per second, drops
 * nothing, and every light ends in the state asked for last.
 */

let rig: HueTestRig | undefined;
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
});

const COLOUR_LIGHTS = Array.from({ length: 20 }, () => 'color' as const);
const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));

function randomState(random: () => number): HueState {
  const coordinate = () => Math.round((0.1 + random() * 0.7) * 10_000) / 10_000; // 4 decimals, as a bridge keeps
  return { on: random() > 0.15, bri: 1 + Math.floor(random() * 254), xy: [coordinate(), coordinate()], transitionMs: 400 };
}

/** What a colour light should show for a wanted state (an off light keeps its last colour). */
function expectShows(r: HueTestRig, id: string, wanted: HueState): void {
  const shown = r.emulator.lightState(id);
  expect({ id, on: shown.on }).toEqual({ id, on: wanted.on });
  if (wanted.on) expect({ id, bri: shown.bri, xy: shown.xy }).toEqual({ id, bri: wanted.bri, xy: wanted.xy });
}

function lightsShow(r: HueTestRig, wanted: Map<string, HueState>): boolean {
  for (const [id, state] of wanted) {
    const shown = r.emulator.lightState(id);
    if (shown.on !== state.on) return false;
    if (state.on && (shown.bri !== state.bri || shown.xy?.[0] !== state.xy![0] || shown.xy?.[1] !== state.xy![1])) return false;
  }
  return true;
}

describe('Hue output: limits, coalescing, latest state', () => {
  it('a burst of 200 changes over 20 lights never exceeds 10 commands/s at the bridge and every light ends in its last requested state', async () => {
    rig = await startHueRig({ emulator: { lights: COLOUR_LIGHTS } });
    const r = rig;
    const random = seededRandom(5);
    const last = new Map<string, HueState>();
    const change = () => {
      const id = String(1 + Math.floor(random() * 20));
      const state = randomState(random);
      r.bridge.setLight(id, state);
      last.set(id, state);
    };
    // 100 changes at once, then 100 more over ~2 s while the first are still going out.
    for (let i = 0; i < 100; i++) change();
    for (let i = 0; i < 100; i++) {
      change();
      await sleep(20);
    }
    expect(last.size).toBe(20);
    await waitFor('every light to show its last requested state', () => lightsShow(r, last), 15_000);
    for (const [id, state] of last) expectShows(r, id, state);

    const lightCommands = r.emulator.commands.filter((c) => c.kind === 'light');
    expect(lightCommands.filter((c) => c.outcome === 'dropped')).toEqual([]);
    expect(lightCommands.filter((c) => c.outcome !== 'applied')).toEqual([]);
    expect(maxInAnyWindow(lightCommands.map((c) => c.at))).toBeLessThanOrEqual(10);
    // Coalesced: far fewer commands than changes, yet more than one per light (changes kept coming).
    expect(lightCommands.length).toBeLessThan(200);
    expect(lightCommands.length).toBeGreaterThanOrEqual(20);
    expect(r.bridge.pendingLights).toBe(0);
    expect(r.current().state).toBe('ok');
  }, 30_000);

  it('sends nothing for a state the light already shows, however often the engine repeats it', async () => {
    rig = await startHueRig({ emulator: { lights: 3 } });
    const state: HueState = { on: true, bri: 100, xy: [0.3, 0.3], transitionMs: 100 };
    rig.bridge.setLight('1', state);
    await waitFor('light 1 on', () => rig!.emulator.lightState('1').bri === 100);
    for (let frame = 0; frame < 200; frame++) rig.bridge.setLight('1', { ...state, transitionMs: 100 + frame });
    await sleep(500);
    expect(rig.emulator.commands).toHaveLength(1);
  });

  it('serves lights in the order they changed: a light changing constantly does not starve the others', async () => {
    rig = await startHueRig({ emulator: { lights: COLOUR_LIGHTS } });
    const r = rig;
    let bri = 1;
    r.bridge.setLight('1', { on: true, bri, xy: [0.5, 0.4], transitionMs: 0 });
    for (const id of ids(20).slice(1)) r.bridge.setLight(id, { on: true, bri: 50, xy: [0.2, 0.2], transitionMs: 0 });
    const hammer = setInterval(() => r.bridge.setLight('1', { on: true, bri: (bri = (bri % 250) + 1), xy: [0.5, 0.4], transitionMs: 0 }), 10);
    try {
      await waitFor('20 light commands', () => r.emulator.commands.length >= 20, 10_000);
    } finally {
      clearInterval(hammer);
    }
    const first20 = r.emulator.commands.slice(0, 20).map((c) => c.id);
    expect(new Set(first20)).toEqual(new Set(ids(20)));
    expect(first20.filter((id) => id === '1')).toHaveLength(1);
  }, 20_000);

  it('group commands stay within 1/s; members changed after a group command get theirs after it, and keep it', async () => {
    rig = await startHueRig({ emulator: { lights: ['color', 'color', 'color', 'color', 'ambiance', 'color'], groups: [{ name: 'Front', lights: ['1', '2', '3'] }, { name: 'Back', lights: ['4', '5', '6'] }] } });
    const r = rig;
    const red: HueState = { on: true, bri: 200, xy: [0.675, 0.322], transitionMs: 0 };
    const blue: HueState = { on: true, bri: 90, xy: [0.167, 0.04], transitionMs: 0 };
    for (let i = 0; i < 10; i++) {
      r.bridge.setGroup('1', { ...red, bri: 100 + i });
      r.bridge.setGroup('2', { ...blue, bri: 100 + i });
      r.bridge.setGroup('0', { on: true, bri: 10 + i, ct: 300, transitionMs: 0 });
      await sleep(100);
    }
    r.bridge.setGroup('1', red);
    r.bridge.setLight('2', blue); // after the group wish: light 2 must end blue, and never go back to red
    await waitFor('the group and light 2 to land', () => r.emulator.lightState('1').bri === 200 && r.emulator.lightState('2').bri === 90, 15_000);
    await sleep(1_200); // anything still queued would show now
    expectShows(r, '1', red);
    expectShows(r, '3', red);
    expectShows(r, '2', blue);

    const commands = r.emulator.commands;
    expect(commands.filter((c) => c.outcome !== 'applied')).toEqual([]);
    expect(maxInAnyWindow(commands.filter((c) => c.kind === 'group').map((c) => c.at))).toBe(1);
    // Only group wishes before, so the one light command is light 2's, and it came after the red group:
    // light 2 went red with its group and then blue, never blue then back to red.
    const lightCommands = commands.filter((c) => c.kind === 'light');
    expect(lightCommands.map((c) => c.id)).toEqual(['2']);
    expect(commands.indexOf(lightCommands[0]!)).toBeGreaterThan(commands.findLastIndex((c) => c.kind === 'group' && c.id === '1'));
    // Coalesced: 31 group wishes, a handful of group commands.
    expect(commands.filter((c) => c.kind === 'group').length).toBeLessThan(12);
  }, 30_000);
});

describe('Hue output: when the bridge goes away', () => {
  it('health goes down; when the bridge is back, health is ok and the latest wanted states are sent again', async () => {
    rig = await startHueRig({ emulator: { lights: COLOUR_LIGHTS.slice(0, 6) } });
    const r = rig;
    const before: HueState = { on: true, bri: 30, xy: [0.4, 0.4], transitionMs: 0 };
    for (const id of ids(6)) r.bridge.setLight(id, before);
    await waitFor('first states', () => lightsShow(r, new Map(ids(6).map((id) => [id, before]))), 5_000);

    await r.emulator.stop();
    const down = await r.waitForHealth('down');
    expect(down.reason).toMatch(/unreachable at 127\.0\.0\.1:\d+/);

    const after: HueState = { on: true, bri: 222, xy: [0.15, 0.6], transitionMs: 0 };
    for (const id of ids(3)) r.bridge.setLight(id, after);
    // Meanwhile someone turns light 6 off with the Hue app: it must come back to what Roomcast wants.
    r.emulator.changeLightDirectly('6', { on: false });
    await sleep(600); // several failed reconnects
    expect(r.current().state).toBe('down');

    r.emulator.clearLog();
    await r.emulator.start();
    await r.waitForHealth('ok');
    const wanted = new Map<string, HueState>([...ids(3).map((id) => [id, after] as const), ...['4', '5', '6'].map((id) => [id, before] as const)]);
    await waitFor('the latest states on every light', () => lightsShow(r, wanted), 5_000);
    for (const [id, state] of wanted) expectShows(r, id, state);
    expect(maxInAnyWindow(r.emulator.commands.map((c) => c.at))).toBeLessThanOrEqual(10);
    expect(r.emulator.commands.filter((c) => c.outcome !== 'applied')).toEqual([]);
  }, 30_000);

  it('backs off when the bridge answers 503 (it is busier than we think) and still delivers the latest states', async () => {
    // Another app uses most of this bridge: it takes only 4 light commands/s, and says so with HTTP 503.
    rig = await startHueRig({ emulator: { lights: COLOUR_LIGHTS.slice(0, 12), overload: 'http-503', limits: { lightCommandsPerSecond: 4 } } });
    const r = rig;
    const random = seededRandom(9);
    const last = new Map<string, HueState>();
    for (let i = 0; i < 48; i++) {
      const id = String(1 + (i % 12));
      const state = randomState(random);
      r.bridge.setLight(id, state);
      last.set(id, state);
    }
    await waitFor('every light to show its last requested state', () => lightsShow(r, last), 20_000);
    expect(r.healthHistory.some((e) => e.state === 'degraded' && /overloaded \(HTTP 503\)/.test(e.reason ?? ''))).toBe(true);
    expect(r.emulator.commands.some((c) => c.outcome === 'dropped')).toBe(true); // it was really refusing
    await r.waitForHealth('ok');
  }, 30_000);

  it('says so when the bridge no longer accepts the username (removed in the Hue app)', async () => {
    rig = await startHueRig({ emulator: { lights: 2 } });
    rig.emulator.revokeUser(rig.emulator.usernames[0]!);
    const degraded = await rig.waitForHealth('degraded');
    expect(degraded.reason).toMatch(/refuses the configured username.*pair again/);
    rig.bridge.setLight('1', { on: true, bri: 5, transitionMs: 0 });
    await sleep(300);
    expect(rig.emulator.commands).toEqual([]);
  });
});
