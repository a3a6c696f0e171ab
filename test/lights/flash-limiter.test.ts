import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ATTRIBUTES } from '../../adapters/lights/attributes.ts';
import { defineEffect } from '../../adapters/lights/effects/Effect.ts';
import { colourLevels } from '../../adapters/lights/effects/builtin/params.ts';
import { ColourSchema } from '../../adapters/lights/colour.ts';
import { PARS, makeEngine, type EngineKit } from './engineKit.ts';
import { luminanceOf, maxInWindow, saturatedRedOf, transitionTimes, type Sample } from './flashCount.ts';

/** A plugin-style effect alternating two colours at rateHz: a colour (not intensity) flash source. */
const alternate = defineEffect({
  id: 'test.alternate',
  description: 'two colours alternating',
  defaultDurationMs: null,
  defaultPriority: 60,
  paramsSchema: z.strictObject({ a: ColourSchema, b: ColourSchema, rateHz: z.number() }),
  start: ({ a, b, rateHz }) => {
    const first = colourLevels(a, 1);
    const second = colourLevels(b, 1);
    return (time) => (Math.floor((time.elapsedMs * rateHz * 2) / 1_000) % 2 === 0 ? first : second);
  },
});

const named = (levels: number[]) => Object.fromEntries(ATTRIBUTES.map((a, i) => [a, levels[i]!])) as Record<(typeof ATTRIBUTES)[number], number>;

function signal(kit: EngineKit, fixture: string, of: (levels: ReturnType<typeof named>) => number, fromMs = 0): Sample[] {
  return kit
    .history(fixture)
    .filter((h) => h.t >= fromMs)
    .map((h) => ({ t: h.t, v: of(named(h.levels)) }));
}

/**
 * Photosensitive safety at the output: whatever effects ask, no fixture shows more than 3 flashes
 * (6 opposing transitions) in any one-second window, general or red; a per-fixture opt-out is honoured
 * and loudly warned about.
 */
describe('flash limiter', () => {
  it('a 10 Hz strobe request produces at most 3 flashes in every 1 s window of the rendered output, yet still flashes', () => {
    const kit = makeEngine({ patch: PARS, baseLook: { all: { intensity: 0 } } });
    kit.engine.fire({ effect: 'strobe', params: { rateHz: 10 }, durationMs: null, targets: { fixtures: ['p1'] } });
    kit.run(10_000);

    const luminance = transitionTimes(signal(kit, 'p1', luminanceOf), 0.1, 0.8);
    expect(maxInWindow(luminance)).toBeLessThanOrEqual(6);
    // Damped, not blacked out: it keeps flashing at close to the allowed rate (>= 2 flashes/s on average).
    expect(luminance.length).toBeGreaterThanOrEqual(40);
    expect(kit.history('p1').filter((h) => h.limited).length).toBeGreaterThan(100);

    // The DMX frames handed to the output say the same (dimmer on slot 1, quantised to 8 bits).
    const dimmer = kit.dmx.frames.filter((f) => f.universe === 1).map((f) => ({ t: f.at, v: f.slots[0]! / 255 }));
    expect(maxInWindow(transitionTimes(dimmer, 0.1, 0.8))).toBeLessThanOrEqual(6);
  });

  it('what the strobe asks for really is 10 Hz: an opted-out fixture shows all of it, and a warning is logged', () => {
    const kit = makeEngine({
      patch: [{ ...PARS[0]!, flashLimitOptOut: 'stage strobe, audience warned at the door' }, PARS[1]!],
      baseLook: { all: { intensity: 0 } },
    });
    kit.engine.fire({ effect: 'strobe', params: { rateHz: 10 }, durationMs: null });
    kit.run(3_000);
    const optedOut = transitionTimes(signal(kit, 'p1', luminanceOf), 0.1, 0.8);
    const limited = transitionTimes(signal(kit, 'p2', luminanceOf), 0.1, 0.8);
    expect(maxInWindow(optedOut)).toBeGreaterThanOrEqual(18);
    expect(maxInWindow(limited)).toBeLessThanOrEqual(6);
    const warning = kit.logs.find((l) => l.level === 40 && l['fixture'] === 'p1');
    expect(warning?.msg).toMatch(/flash limiter is OFF.*stage strobe, audience warned at the door/);
    expect(kit.engine.safetyOptOuts()).toEqual([{ fixture: 'p1', name: 'p1', reason: 'stage strobe, audience warned at the door' }]);
  });

  it('red flashes are counted too: red <-> magenta at constant brightness is limited to 3 per second', () => {
    const kit = makeEngine({ patch: PARS, extraEffects: [alternate] });
    // Same brightest emitter, almost the same luminance: only the saturated red changes.
    kit.engine.fire({ effect: 'test.alternate', params: { a: '#ff0000', b: '#ff0066', rateHz: 10 } });
    kit.run(5_000);
    const luminance = transitionTimes(signal(kit, 'p1', luminanceOf), 0.1, 0.8);
    expect(luminance).toEqual([]); // not a general flash at all
    const red = transitionTimes(signal(kit, 'p1', saturatedRedOf), 20 / 320);
    expect(maxInWindow(red)).toBeLessThanOrEqual(6);
    expect(red.length).toBeGreaterThanOrEqual(20);

    const unlimited = makeEngine({ patch: PARS, extraEffects: [alternate], flashLimit: false });
    unlimited.engine.fire({ effect: 'test.alternate', params: { a: '#ff0000', b: '#ff0066', rateHz: 10 } });
    unlimited.run(2_000);
    expect(maxInWindow(transitionTimes(signal(unlimited, 'p1', saturatedRedOf), 20 / 320))).toBeGreaterThanOrEqual(18);
  });

  it('colour flashes at full level are caught (blue <-> green: a luminance swing with the same brightest emitter)', () => {
    const kit = makeEngine({ patch: PARS, extraEffects: [alternate] });
    kit.engine.fire({ effect: 'test.alternate', params: { a: '#0000ff', b: '#00ff00', rateHz: 8 } });
    kit.run(5_000);
    expect(maxInWindow(transitionTimes(signal(kit, 'p1', luminanceOf), 0.1, 0.8))).toBeLessThanOrEqual(6);
  });

  it('slow enough effects pass untouched: a 2 Hz strobe, a pulse, a rainbow', () => {
    const kit = makeEngine({ patch: PARS, baseLook: { all: { intensity: 0 } } });
    kit.engine.fire({ effect: 'strobe', params: { rateHz: 2 }, durationMs: null, targets: { fixtures: ['p1'] } });
    kit.engine.fire({ effect: 'pulse', params: { periodMs: 1_000 }, durationMs: null, targets: { fixtures: ['p2'] } });
    kit.engine.fire({ effect: 'rainbow', params: { periodMs: 2_000 }, durationMs: null, targets: { fixtures: ['p3', 'wash'] } });
    kit.run(4_000);
    for (const id of ['p1', 'p2', 'p3', 'wash']) expect(kit.history(id).filter((h) => h.limited), id).toEqual([]);
    // Exactly the requested 2 Hz square wave.
    expect(kit.history('p1').every((h) => h.levels[0] === ((h.t % 500) / 500 < 0.5 ? 1 : 0))).toBe(true);
  });

  it('a fixture never strobes by itself: its strobe channel stays "open" unless it is opted out', () => {
    const kit = makeEngine({
      patch: [PARS[0]!, { ...PARS[1]!, flashLimitOptOut: 'dedicated strobe fixture' }],
      scenes: { party: { all: { intensity: 1, strobe: 1 } } },
    });
    kit.engine.fire({ effect: 'scene', params: { scene: 'party', fadeMs: 0 } });
    kit.renderAt(100);
    const frame = kit.dmx.frames.at(-1)!.slots;
    // rgb-par-7ch: slot 5 is the strobe channel (0 = open, 16-255 slow to fast).
    expect(frame[4]).toBe(0);
    expect(frame[7 + 4]).toBe(255);
  });

  it('re-patching during a strobe does not reset the flash budget', () => {
    const kit = makeEngine({ patch: PARS, baseLook: { all: { intensity: 0 } } });
    kit.engine.fire({ effect: 'strobe', params: { rateHz: 12 }, durationMs: null, targets: { fixtures: ['p1'] } });
    for (let second = 0; second < 4; second++) {
      kit.run(kit.now + 250);
      kit.engine.setPatch(kit.engine.patch.map((f) => ({ ...f, name: `renamed ${second}` })));
    }
    kit.run(kit.now + 1_000);
    expect(maxInWindow(transitionTimes(signal(kit, 'p1', luminanceOf), 0.1, 0.8))).toBeLessThanOrEqual(6);
  });
});
