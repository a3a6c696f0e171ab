import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ActionTrigger } from '../actions/Action.ts';
import type { GestureEvent } from '../protocol/gestureEvents.ts';
import type { PreparedRule } from './prepareRules.ts';

/** Time, injectable so hold and cooldown behaviour is tested with a fake clock. */
export interface RuleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: RuleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface RuleFiring {
  rule: number;
  event: GestureEvent;
  ok: boolean;
  error?: string | undefined;
}

export interface GestureRuleEngineEvents {
  fired: [firing: RuleFiring];
}

export interface GestureRuleEngineOptions {
  /** Room for actions when neither the rule nor the gesture's source names one. */
  defaultRoom: string;
  /** Events older than this (replayed after a restart) fire nothing. */
  maxEventAgeMs: number;
  logger: Logger;
  clock?: RuleClock;
}

/** One gesture instance: the same source, hand, label and first frame. */
const instanceKey = (e: Pick<GestureEvent, 'source' | 'hand' | 'label' | 'startedAt'>) => `${e.source}|${e.hand}|${e.label}|${e.startedAt}`;

/**
 * Fires rules on gesture_start. A rule with minHoldMs waits until the gesture has been held that long
 * (from its first frame) and is called off if the gesture ends first; after firing, it is quiet for
 * cooldownMs in that room. Start and end arrive on two bus streams whose order is not guaranteed, so an
 * end seen before its start is remembered (its duration decides the held rules).
 */
export class GestureRuleEngine extends EventEmitter<GestureRuleEngineEvents> {
  private rules: PreparedRule[] = [];
  private readonly clock: RuleClock;
  private readonly pending = new Map<string, Array<{ rule: number; handle: unknown }>>();
  private readonly quietUntil = new Map<string, number>();
  /** Ends that arrived before their starts: instance -> held duration. */
  private readonly earlyEnds = new Map<string, { durationMs: number; at: number }>();
  readonly lastFiredAt = new Map<number, number>();

  constructor(private readonly options: GestureRuleEngineOptions) {
    super();
    this.clock = options.clock ?? SYSTEM_CLOCK;
  }

  /** Replace the rules (config reload, UI edit): pending holds and cooldowns start over. */
  setRules(rules: PreparedRule[]): void {
    this.cancelAll();
    this.quietUntil.clear();
    this.lastFiredAt.clear();
    this.rules = rules;
  }

  get current(): readonly PreparedRule[] {
    return this.rules;
  }

  handle(event: GestureEvent): void {
    const now = this.clock.now();
    const age = now - event.emittedAt;
    if (age > this.options.maxEventAgeMs) {
      this.options.logger.debug({ label: event.label, source: event.source, ageMs: age }, 'gesture event too old for rules; ignored');
      return;
    }
    const key = instanceKey(event);
    if (event.phase === 'end') {
      const waiting = this.pending.get(key);
      if (waiting) {
        for (const { handle } of waiting) this.clock.clearTimeout(handle);
        this.pending.delete(key);
      } else {
        this.earlyEnds.set(key, { durationMs: event.durationMs ?? event.decidedAt - event.startedAt, at: now });
        this.forgetOldEnds(now);
      }
      return;
    }

    const early = this.earlyEnds.get(key);
    this.earlyEnds.delete(key);
    for (const prepared of this.rules) {
      const { rule } = prepared;
      if (rule.gesture !== event.label) continue;
      if (rule.hand !== 'any' && rule.hand !== event.hand) continue;
      if (rule.room && rule.room !== event.room) continue;
      if (early) {
        // It already ended: how long it was held decides.
        if (early.durationMs >= rule.minHoldMs) this.fire(prepared, event);
        continue;
      }
      const heldFor = now - event.startedAt;
      if (rule.minHoldMs <= 0 || heldFor >= rule.minHoldMs) {
        this.fire(prepared, event);
        continue;
      }
      const handle = this.clock.setTimeout(() => {
        const list = this.pending.get(key)?.filter((p) => p.rule !== prepared.index);
        if (list?.length) this.pending.set(key, list);
        else this.pending.delete(key);
        this.fire(prepared, event);
      }, rule.minHoldMs - heldFor);
      const list = this.pending.get(key) ?? [];
      list.push({ rule: prepared.index, handle });
      this.pending.set(key, list);
    }
  }

  /** Run a rule's actions now, ignoring hold and cooldown (the UI's "test" button). */
  async test(index: number, room: string): Promise<void> {
    const prepared = this.rules.find((r) => r.index === index);
    if (!prepared) throw new Error(`no rule ${index}`);
    const trigger: ActionTrigger = { source: 'gesture', room, description: `test of rule ${index} (${prepared.rule.gesture})`, data: { gesture: prepared.rule.gesture, test: true } };
    for (const action of prepared.actions) await action.run(trigger);
  }

  private fire(prepared: PreparedRule, event: GestureEvent): void {
    const { rule } = prepared;
    const room = rule.room ?? event.room ?? this.options.defaultRoom;
    const now = this.clock.now();
    const cooldownKey = `${prepared.index}|${room}`;
    if (now < (this.quietUntil.get(cooldownKey) ?? 0)) return;
    if (rule.cooldownMs > 0) this.quietUntil.set(cooldownKey, now + rule.cooldownMs);
    this.lastFiredAt.set(prepared.index, now);
    const trigger: ActionTrigger = {
      source: 'gesture',
      room,
      description: `${event.label} (${event.hand}) on ${event.source}`,
      data: { gesture: event.label, hand: event.hand, confidence: event.confidence, source: event.source, startedAt: event.startedAt, heldMs: now - event.startedAt },
    };
    void (async () => {
      let failure: string | undefined;
      // In order: a later action may rely on an earlier one (switch the scene, then show the alert).
      for (const action of prepared.actions) {
        try {
          await action.run(trigger);
        } catch (err) {
          failure ??= `${action.type}: ${(err as Error).message}`;
        }
      }
      this.emit('fired', { rule: prepared.index, event, ok: !failure, error: failure });
    })();
  }

  private forgetOldEnds(now: number): void {
    for (const [key, end] of this.earlyEnds) if (now - end.at > this.options.maxEventAgeMs) this.earlyEnds.delete(key);
  }

  private cancelAll(): void {
    for (const list of this.pending.values()) for (const { handle } of list) this.clock.clearTimeout(handle);
    this.pending.clear();
    this.earlyEnds.clear();
  }

  close(): void {
    this.cancelAll();
  }
}
