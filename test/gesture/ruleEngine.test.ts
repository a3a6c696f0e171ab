import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionRegistry } from '../../server/actions/ActionRegistry.ts';
import { defineActionType, type ActionTrigger } from '../../server/actions/Action.ts';
import { GestureRuleEngine, type RuleClock } from '../../server/gestures/GestureRuleEngine.ts';
import { prepareRules } from '../../server/gestures/prepareRules.ts';
import { createLogger } from '../../server/log/logger.ts';
import type { GestureEvent } from '../../server/protocol/gestureEvents.ts';

/** A clock whose time moves only when the test says so; timers run in time order. */
class FakeClock implements RuleClock {
  time = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => void (this.timers = this.timers.filter((t) => t.id !== id));
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
    }
    this.time = until;
  }
  get pending(): number {
    return this.timers.length;
  }
}

function setup(rules: unknown[]) {
  const logger = createLogger({ level: 'silent' });
  const ran: Array<{ room: string; note: string; at: number; trigger: ActionTrigger }> = [];
  const clock = new FakeClock();
  const actions = new ActionRegistry(logger);
  actions.register(
    defineActionType({
      type: 'test.record',
      description: 'records that it ran',
      paramsSchema: z.strictObject({ note: z.string() }),
      run: ({ note }, trigger) => void ran.push({ room: trigger.room, note, at: clock.now(), trigger }),
    }),
  );
  const engine = new GestureRuleEngine({ defaultRoom: 'demo', maxEventAgeMs: 5_000, logger, clock });
  engine.setRules(prepareRules(rules, ['gestures', 'rules'], { actions, rooms: ['demo', 'stage'] }, 'rules'));
  const event = (over: Partial<GestureEvent> = {}): GestureEvent => ({
    phase: 'start',
    source: 'room:demo/cam-1',
    room: 'demo',
    label: 'fist',
    hand: 'Right',
    confidence: 0.9,
    startedAt: clock.time - 150,
    decidedAt: clock.time - 10,
    emittedAt: clock.time,
    latencyMs: 10,
    ...over,
  });
  // Actions run on a microtask after the decision: let them.
  const settle = () => new Promise((r) => setImmediate(r));
  return { engine, clock, ran, event, settle, actions };
}

const record = (note: string) => [{ type: 'test.record', note }];

describe('gesture rule engine (fake clock)', () => {
  it('fires a rule with no hold at once, then keeps quiet for its cooldown, per room', async () => {
    const { engine, clock, ran, event, settle } = setup([{ gesture: 'fist', cooldownMs: 1_000, actions: record('fist') }]);
    engine.handle(event());
    await settle();
    expect(ran.map((r) => `${r.room}@${r.at - 1_000_000}`)).toEqual(['demo@0']);
    clock.advance(500);
    engine.handle(event());
    // Another room has its own cooldown.
    engine.handle(event({ room: 'stage', source: 'room:stage/cam' }));
    await settle();
    expect(ran.map((r) => `${r.room}@${r.at - 1_000_000}`)).toEqual(['demo@0', 'stage@500']);
    clock.advance(500);
    engine.handle(event());
    await settle();
    expect(ran.map((r) => `${r.room}@${r.at - 1_000_000}`)).toEqual(['demo@0', 'stage@500', 'demo@1000']);
  });

  it('waits out minHoldMs from the gesture\'s first frame, and a gesture_end before then calls it off', async () => {
    const { engine, clock, ran, event, settle } = setup([{ gesture: 'fist', minHoldMs: 1_000, cooldownMs: 0, actions: record('held') }]);
    const held = event(); // first seen 150 ms ago
    engine.handle(held);
    clock.advance(849);
    await settle();
    expect(ran).toEqual([]);
    clock.advance(1);
    await settle();
    expect(ran.map((r) => r.at - held.startedAt)).toEqual([1_000]);

    const brief = event();
    engine.handle(brief);
    clock.advance(300);
    engine.handle({ ...brief, phase: 'end', decidedAt: clock.time, emittedAt: clock.time, durationMs: 400 });
    expect(clock.pending).toBe(0);
    clock.advance(5_000);
    await settle();
    expect(ran).toHaveLength(1);
  });

  it('an end that overtakes its start on the bus still decides held rules by the duration it reports', async () => {
    const { engine, clock, ran, event, settle } = setup([
      { gesture: 'fist', minHoldMs: 500, cooldownMs: 0, actions: record('long') },
      { gesture: 'fist', cooldownMs: 0, actions: record('instant') },
    ]);
    const short = event();
    engine.handle({ ...short, phase: 'end', durationMs: 300 });
    engine.handle(short);
    const long = event({ startedAt: clock.time - 100 });
    engine.handle({ ...long, phase: 'end', durationMs: 800 });
    engine.handle(long);
    clock.advance(2_000);
    await settle();
    expect(ran.map((r) => r.note)).toEqual(['instant', 'long', 'instant']);
  });

  it('matches the hand and the room, and names the gesture in the trigger', async () => {
    const { engine, ran, event, settle } = setup([
      { gesture: 'victory', hand: 'Left', cooldownMs: 0, actions: record('left') },
      { gesture: 'victory', room: 'stage', cooldownMs: 0, actions: record('stage') },
    ]);
    engine.handle(event({ label: 'victory', hand: 'Right' }));
    engine.handle(event({ label: 'victory', hand: 'Left' }));
    engine.handle(event({ label: 'victory', hand: 'Right', room: 'stage', source: 'room:stage/cam' }));
    await settle();
    expect(ran.map((r) => `${r.note} in ${r.room}`)).toEqual(['left in demo', 'stage in stage']);
    expect(ran[0]!.trigger).toMatchObject({ source: 'gesture', description: 'victory (Left) on room:demo/cam-1', data: { gesture: 'victory', hand: 'Left' } });
  });

  it('ignores events too old to matter (replayed after a restart)', async () => {
    const { engine, clock, ran, event, settle } = setup([{ gesture: 'fist', actions: record('x') }]);
    engine.handle(event({ emittedAt: clock.time - 6_000 }));
    await settle();
    expect(ran).toEqual([]);
  });

  it('new rules cancel holds in progress', async () => {
    const { engine, clock, ran, event, settle, actions } = setup([{ gesture: 'fist', minHoldMs: 1_000, actions: record('old') }]);
    engine.handle(event());
    engine.setRules(prepareRules([{ gesture: 'pinch', actions: record('new') }], ['rules'], { actions, rooms: ['demo'] }, 'rules'));
    clock.advance(2_000);
    await settle();
    expect(ran).toEqual([]);
  });
});
