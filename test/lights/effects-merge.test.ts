import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEffect } from '../../adapters/lights/effects/Effect.ts';
import { ValidationError } from '../../server/validation/formatIssues.ts';
import { NotFoundError } from '../../server/errors.ts';
import { PARS, makeEngine } from './engineKit.ts';

const BASE = { all: { intensity: 0.3, colour: '#ff8000' } };

/**
 * (Flash limiting is off here: it has its own spec in flash-limiter.test.ts.)
 * How effects layer: priority decides; between equal priorities intensity is HTP and colour LTP; a
 * layer's fade cross-fades with what is below; and every fixture returns to the base look afterwards.
 */
describe('effects: layering, merge and the base look', () => {
  it('every fixture shows the base look when nothing runs, and returns to it exactly when an effect ends', () => {
    const kit = makeEngine({ flashLimit: false, patch: PARS, baseLook: BASE });
    kit.renderAt(0);
    expect(kit.levels('p1')).toMatchObject({ intensity: 0.3, red: 1, green: 128 / 255, blue: 0 });

    kit.engine.fire({ effect: 'solid', params: { colour: '#0000ff' }, durationMs: 1_000 });
    kit.renderAt(10);
    expect(kit.levels('p1')).toMatchObject({ intensity: 1, red: 0, green: 0, blue: 1 });
    kit.renderAt(999);
    expect(kit.level('p1', 'blue')).toBe(1);
    kit.renderAt(1_000);
    expect(kit.levels('p1')).toMatchObject({ intensity: 0.3, red: 1, green: 128 / 255, blue: 0 });
    expect(kit.engine.firings()).toEqual([]);
  });

  it('a higher priority takes an attribute over; when it ends the lower one shows again', () => {
    const kit = makeEngine({ flashLimit: false, patch: PARS, baseLook: BASE });
    kit.engine.fire({ effect: 'solid', params: { colour: 'green', intensity: 0.8 }, durationMs: null, priority: 20 });
    kit.engine.fire({ effect: 'solid', params: { colour: 'red', intensity: 0.2 }, durationMs: 500, priority: 60 });
    kit.renderAt(100);
    // Priority beats HTP: the higher layer's lower intensity wins.
    expect(kit.levels('p1')).toMatchObject({ intensity: 0.2, red: 1, green: 0 });
    kit.renderAt(600);
    expect(kit.levels('p1')).toMatchObject({ intensity: 0.8, red: 0, green: 1 });
  });

  it('between equal priorities intensity merges HTP and colour LTP (latest fired wins)', () => {
    const kit = makeEngine({ flashLimit: false, patch: PARS, baseLook: BASE });
    kit.engine.fire({ effect: 'solid', params: { colour: 'blue', intensity: 0.9 }, durationMs: null, priority: 30 });
    kit.engine.fire({ effect: 'solid', params: { colour: 'red', intensity: 0.4 }, durationMs: null, priority: 30 });
    kit.renderAt(50);
    expect(kit.levels('p2')).toMatchObject({ intensity: 0.9, red: 1, blue: 0 });
    // Firing again at the same priority makes it the latest: its colour wins, intensity stays the highest.
    kit.engine.fire({ effect: 'solid', params: { colour: 'blue', intensity: 0.1 }, durationMs: null, priority: 30 });
    kit.renderAt(100);
    expect(kit.levels('p2')).toMatchObject({ intensity: 0.9, red: 0, blue: 1 });
  });

  it('attributes an effect does not set come from below (a moving-head position survives a colour effect)', () => {
    const kit = makeEngine({
      patch: [{ id: 'spot', profile: 'moving-head-11ch', universe: 1, address: 1 }],
      baseLook: { all: { intensity: 0.5, pan: 0.25, tilt: 0.75 } },
    });
    kit.engine.fire({ effect: 'solid', params: { colour: 'cyan' } });
    kit.renderAt(20);
    expect(kit.levels('spot')).toMatchObject({ pan: 0.25, tilt: 0.75, red: 0, green: 1, blue: 1, intensity: 1 });
    // 16-bit pan: 0.25 * 65535 = 16384 -> coarse 64, fine 0; tilt 0.75 -> 49151 -> 191, 255.
    const frame = kit.dmx.frames.at(-1)!.slots;
    expect(Array.from(frame.slice(0, 4))).toEqual([64, 0, 191, 255]);
  });

  it('fades cross-fade from what is below, in and out, and land exactly on the base look', () => {
    const kit = makeEngine({ flashLimit: false, patch: PARS, baseLook: { all: { intensity: 0.2, colour: '#000000' } } });
    kit.engine.fire({ effect: 'solid', params: { colour: '#ffffff', intensity: 1, fadeMs: 1_000 }, durationMs: 2_000 });
    kit.renderAt(500);
    expect(kit.level('p1', 'intensity')).toBeCloseTo(0.6, 6);
    expect(kit.level('p1', 'red')).toBeCloseTo(0.5, 6);
    kit.renderAt(1_500);
    expect(kit.level('p1', 'intensity')).toBeCloseTo(1, 6);
    kit.renderAt(2_500); // half-way through the fade out
    expect(kit.level('p1', 'intensity')).toBeCloseTo(0.6, 6);
    kit.renderAt(3_000);
    expect(kit.levels('p1')).toMatchObject({ intensity: 0.2, red: 0 });
    expect(kit.engine.firings()).toEqual([]);
  });

  it('stop releases with the fade out (or at once with fadeOutMs 0); a layer holds one firing at a time', () => {
    const kit = makeEngine({ flashLimit: false, patch: PARS, baseLook: BASE });
    const first = kit.engine.fire({ effect: 'solid', params: { colour: 'blue', fadeMs: 400 }, durationMs: null, layer: 'mood' });
    kit.renderAt(1_000);
    const second = kit.engine.fire({ effect: 'solid', params: { colour: 'red', fadeMs: 400 }, durationMs: null, layer: 'mood' });
    kit.renderAt(1_200);
    const states = Object.fromEntries(kit.engine.firings().map((f) => [f.id, f.state]));
    expect(states).toEqual({ [first.id]: 'releasing', [second.id]: 'running' });
    kit.renderAt(1_401);
    expect(kit.engine.firings().map((f) => f.id)).toEqual([second.id]);
    expect(kit.levels('p1')).toMatchObject({ red: 1, blue: 0, intensity: 1 });

    kit.engine.stop({ layer: 'mood', fadeOutMs: 0 });
    kit.renderAt(1_402);
    expect(kit.levels('p1')).toMatchObject({ intensity: 0.3, red: 1, blue: 0 });
    expect(kit.engine.firings()).toEqual([]);
  });

  it('targets fixtures and groups; unknown ones and bad params are refused with their path, before anything lights', () => {
    const kit = makeEngine({ flashLimit: false, patch: PARS, baseLook: BASE });
    kit.engine.fire({ effect: 'solid', params: { colour: 'blue' }, targets: { groups: ['back'], fixtures: ['p2'] } });
    kit.renderAt(10);
    expect(kit.level('wash', 'blue')).toBe(1);
    expect(kit.level('p2', 'blue')).toBe(1);
    expect(kit.level('p1', 'blue')).toBe(0);

    expect(() => kit.engine.fire({ effect: 'solid', targets: { groups: ['nope'] } })).toThrow(NotFoundError);
    expect(() => kit.engine.fire({ effect: 'solid', targets: { fixtures: ['p9'] } })).toThrow(/unknown fixture "p9" \(known: p1, p2, p3, p4, wash\)/);
    expect(() => kit.engine.fire({ effect: 'sparkle' })).toThrow(/unknown effect "sparkle"/);
    let error: unknown;
    try {
      kit.engine.fire({ effect: 'strobe', params: { rateHz: 'fast', colour: 'octarine' } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path).sort()).toEqual(['params.colour', 'params.rateHz']);
    expect(kit.engine.firings()).toHaveLength(1);
  });

  it('a plugin effect registers and layers exactly like a built-in; a throwing one is stopped, not fatal', () => {
    const checker = defineEffect({
      id: 'test.checker',
      description: 'even fixtures red, odd ones off',
      defaultDurationMs: null,
      defaultPriority: 35,
      paramsSchema: z.strictObject({ level: z.number().min(0).max(1).default(1) }),
      start: ({ level }) => (_time, fixture) => (fixture.index % 2 === 0 ? { intensity: level, red: 1, green: 0, blue: 0 } : { intensity: 0 }),
    });
    const broken = defineEffect({
      id: 'test.broken',
      description: 'throws while rendering',
      defaultDurationMs: null,
      defaultPriority: 99,
      paramsSchema: z.strictObject({}),
      start: () => () => {
        throw new Error('plugin bug');
      },
    });
    const kit = makeEngine({ flashLimit: false, patch: PARS, baseLook: BASE, extraEffects: [checker, broken] });
    expect(() => kit.effects.register(checker)).toThrow(/already registered/);
    kit.engine.fire({ effect: 'test.checker', params: { level: 0.7 }, targets: { groups: ['front'] } });
    kit.engine.fire({ effect: 'test.broken' });
    kit.renderAt(10);
    expect(kit.levels('p1')).toMatchObject({ intensity: 0.7, red: 1, green: 0 });
    expect(kit.levels('p2')).toMatchObject({ intensity: 0, red: 1, green: 128 / 255 });
    expect(kit.engine.firings().map((f) => f.effect)).toEqual(['test.checker']);
    expect(kit.logs.some((l) => l.level === 50 && /test.broken/.test(l.msg))).toBe(true);
    expect(kit.effects.list().find((e) => e.id === 'test.checker')?.paramsJsonSchema).toMatchObject({ properties: { level: { type: 'number', default: 1 } } });
  });
});
