import { describe, expect, it } from 'vitest';
import { PARS, makeEngine } from './engineKit.ts';

const DARK = { all: { intensity: 0, colour: '#000000' } };

/** What each built-in effect shows at known times (flash limiting off: see flash-limiter.test.ts). */
describe('built-in effects at known times', () => {
  const engine = (baseLook: object = DARK, scenes?: Record<string, object>) =>
    makeEngine({ flashLimit: false, patch: PARS, baseLook, ...(scenes ? { scenes } : {}) });

  it('solid: the colour at the intensity asked, white and amber off', () => {
    const kit = engine({ all: { intensity: 0.5, white: 1 } });
    kit.engine.fire({ effect: 'solid', params: { colour: '#ff8000', intensity: 0.6 }, targets: { fixtures: ['wash'] } });
    kit.renderAt(1_234);
    expect(kit.levels('wash')).toMatchObject({ intensity: 0.6, red: 1, green: 128 / 255, blue: 0, white: 0 });
  });

  it('fade: from what is lit to the colour over fadeMs (or from an explicit colour), then holds', () => {
    const kit = engine();
    kit.engine.fire({ effect: 'fade', params: { colour: '#ffffff', fadeMs: 2_000 }, durationMs: null });
    kit.renderAt(0);
    expect(kit.level('p1', 'intensity')).toBe(0);
    kit.renderAt(500);
    expect(kit.level('p1', 'intensity')).toBeCloseTo(0.25, 9);
    kit.renderAt(2_000);
    expect(kit.levels('p1')).toMatchObject({ intensity: 1, red: 1, green: 1, blue: 1 });
    kit.renderAt(9_000);
    expect(kit.level('p1', 'intensity')).toBe(1);

    const explicit = engine();
    explicit.engine.fire({ effect: 'fade', params: { from: { colour: '#ff0000' }, colour: '#0000ff', fadeMs: 1_000 } });
    explicit.renderAt(250);
    expect(explicit.levels('p1')).toMatchObject({ intensity: 1, red: 0.75, blue: 0.25 });
  });

  it('flash: full at once, holds for its duration, then decays back to the look below over decayMs', () => {
    const kit = engine({ all: { intensity: 0.2, colour: '#ffffff' } });
    kit.engine.fire({ effect: 'flash', params: { colour: '#ff0000', decayMs: 1_000 }, durationMs: 100 });
    kit.renderAt(0);
    expect(kit.levels('p1')).toMatchObject({ intensity: 1, red: 1, green: 0 });
    kit.renderAt(100 + 500);
    expect(kit.level('p1', 'intensity')).toBeCloseTo(0.6, 9);
    expect(kit.level('p1', 'green')).toBeCloseTo(0.5, 9);
    kit.renderAt(1_100);
    expect(kit.levels('p1')).toMatchObject({ intensity: 0.2, red: 1, green: 1, blue: 1 });
  });

  it('strobe: square wave at rateHz with the given duty cycle', () => {
    const kit = engine();
    kit.engine.fire({ effect: 'strobe', params: { rateHz: 4, duty: 0.25 } }); // 250 ms period, 62.5 ms on
    const at = (t: number) => {
      kit.renderAt(t);
      return kit.level('p1', 'intensity');
    };
    expect([at(0), at(60), at(70), at(249), at(250), at(312), at(313)]).toEqual([1, 1, 0, 0, 1, 1, 0]);
  });

  it('pulse: cosine between min and max over periodMs, phases spread across the targets', () => {
    const kit = engine();
    kit.engine.fire({ effect: 'pulse', params: { periodMs: 2_000, min: 0.2, max: 1, spread: 0.5 }, targets: { groups: ['front'] } });
    kit.renderAt(0);
    expect(kit.level('p1', 'intensity')).toBeCloseTo(0.2, 9);
    // p3 is index 2 of 4 with spread 0.5: a quarter period ahead -> half-way up.
    expect(kit.level('p3', 'intensity')).toBeCloseTo(0.6, 9);
    kit.renderAt(1_000);
    expect(kit.level('p1', 'intensity')).toBeCloseTo(1, 9);
    kit.renderAt(500);
    expect(kit.level('p1', 'intensity')).toBeCloseTo(0.6, 9);
  });

  it('chase: one lit fixture steps across the group in order (forward, backward, bounce)', () => {
    const lit = (kit: ReturnType<typeof engine>) => ['p1', 'p2', 'p3', 'p4'].filter((id) => kit.level(id, 'intensity') === 1);
    const forward = engine();
    forward.engine.fire({ effect: 'chase', params: { stepMs: 100 }, targets: { groups: ['front'] } });
    const seen: string[][] = [];
    for (const t of [0, 100, 200, 300, 400]) {
      forward.renderAt(t + 50);
      seen.push(lit(forward));
    }
    expect(seen).toEqual([['p1'], ['p2'], ['p3'], ['p4'], ['p1']]);
    expect(forward.level('wash', 'intensity')).toBe(0); // not a target

    const bounce = engine();
    bounce.engine.fire({ effect: 'chase', params: { stepMs: 100, direction: 'bounce', background: 0.1 }, targets: { groups: ['front'] } });
    const path: string[] = [];
    for (let step = 0; step < 7; step++) {
      bounce.renderAt(step * 100 + 50);
      path.push(lit(bounce).join());
    }
    expect(path).toEqual(['p1', 'p2', 'p3', 'p4', 'p3', 'p2', 'p1']);
    expect(bounce.level('p4', 'intensity')).toBe(0.1);

    const backward = engine();
    backward.engine.fire({ effect: 'chase', params: { stepMs: 100, direction: 'backward', width: 2 }, targets: { fixtures: ['p1', 'p2', 'p3', 'p4'] } });
    backward.renderAt(50);
    expect(lit(backward)).toEqual(['p3', 'p4']);
  });

  it('rainbow: the colour wheel once per period, shared out across the targets', () => {
    const kit = engine();
    kit.engine.fire({ effect: 'rainbow', params: { periodMs: 3_000, spread: 1, fadeMs: 0 }, targets: { groups: ['front'] } });
    const rgb = (id: string) => ['red', 'green', 'blue'].map((a) => Number(kit.level(id, a as 'red').toFixed(6)));
    kit.renderAt(0);
    expect(rgb('p1')).toEqual([1, 0, 0]);
    expect(rgb('p3')).toEqual([0, 1, 1]); // half-way round the wheel: cyan
    expect(kit.level('p1', 'intensity')).toBe(1);
    kit.renderAt(1_000); // a third of the period: green
    expect(rgb('p1')).toEqual([0, 1, 0]);
    kit.renderAt(1_500); // half: cyan
    expect(rgb('p1')).toEqual([0, 1, 1]);
  });

  it('event-colour: the trigger data picks the colour (donation tiers, exact values, fallback)', () => {
    const kit = engine();
    const fireWith = (data: Record<string, unknown> | undefined, params: object = {}) => {
      kit.engine.stop({ all: true, fadeOutMs: 0 });
      kit.engine.fire({ effect: 'event-colour', params: { fadeMs: 0, ...params } }, data ? { source: 'donation', room: 'demo', description: 'test', data } : undefined);
      kit.renderAt(kit.now + 10);
      return [kit.level('p1', 'red'), kit.level('p1', 'green'), kit.level('p1', 'blue')].map((v) => Math.round(v * 255));
    };
    expect(fireWith({ amount: 3 })).toEqual([0, 0xb4, 0xff]);
    expect(fireWith({ amount: 25 })).toEqual([0xff, 0, 0xd4]);
    expect(fireWith({ amount: '150' })).toEqual([0xff, 0xc4, 0]);
    expect(fireWith({ donation: { amount: 7 } }, { field: 'donation.amount' })).toEqual([0, 0xff, 0x6a]);
    expect(fireWith({ gesture: 'thumbs_up' }, { field: 'gesture', values: { thumbs_up: 'green', victory: '#8000ff' } })).toEqual([0, 255, 0]);
    expect(fireWith(undefined, { fallback: 'orange' })).toEqual([0xff, 0x6a, 0]);
  });

  it('scene: recalls a named look on the fixtures it names, cross-fading from the previous scene', () => {
    const kit = engine(DARK, {
      warm: { all: { intensity: 0.5, colour: '#ffa000' } },
      back: { groups: { back: { intensity: 1, colour: 'blue' } } },
    });
    kit.engine.fire({ effect: 'scene', params: { scene: 'warm', fadeMs: 0 } });
    kit.renderAt(10);
    expect(kit.levels('p2')).toMatchObject({ intensity: 0.5, red: 1 });
    kit.engine.fire({ effect: 'scene', params: { scene: 'back', fadeMs: 1_000 } });
    kit.renderAt(510);
    // The previous scene fades out while the new one (which only names the wash) fades in.
    expect(kit.level('p2', 'intensity')).toBeCloseTo(0.25, 9);
    expect(kit.level('wash', 'blue')).toBeCloseTo(0.5, 9);
    kit.renderAt(1_010);
    expect(kit.level('p2', 'intensity')).toBe(0);
    expect(kit.levels('wash')).toMatchObject({ intensity: 1, blue: 1, red: 0 });
    expect(kit.engine.firings().map((f) => f.params)).toEqual([{ scene: 'back', fadeMs: 1_000 }]);
    expect(() => kit.engine.fire({ effect: 'scene', params: { scene: 'nope' } })).toThrow(/unknown scene "nope" \(known: warm, back\)/);
  });
});
