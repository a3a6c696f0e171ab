import type { Logger } from 'pino';
import type { ActionRegistry } from '../actions/ActionRegistry.ts';
import type { GestureRuleView } from '../protocol/gestureEvents.ts';
import type { GestureRuleEngine } from './GestureRuleEngine.ts';
import type { GestureRuleStore } from './GestureRuleStore.ts';
import { prepareRules, type PreparedRule } from './prepareRules.ts';

export interface GestureRulesState {
  /** `config`: roomcast.yaml's rules; `edited`: rules saved from the Gestures page (they win until reset). */
  origin: 'config' | 'edited';
  savedAt: number | null;
  /** Saved rules that could not be used (an action type no longer exists...): roomcast.yaml's are in use. */
  problem: string | null;
  rules: GestureRuleView[];
}

/** The rules in force: roomcast.yaml's, or those edited on the Gestures page; feeds the engine. */
export class GestureRules {
  private origin: GestureRulesState['origin'] = 'config';
  private savedAt: number | null = null;
  private problem: string | null = null;
  private readonly configRules: PreparedRule[];

  constructor(
    private readonly o: {
      configRules: unknown[];
      store: GestureRuleStore;
      engine: GestureRuleEngine;
      actions: ActionRegistry;
      rooms: readonly string[];
      logger: Logger;
    },
  ) {
    // roomcast.yaml's rules must be valid: the server refuses to start otherwise (paths name the key).
    this.configRules = prepareRules(o.configRules, ['gestures', 'rules'], o, 'gesture rules in the configuration');
    let saved;
    try {
      saved = o.store.load();
      if (saved) {
        o.engine.setRules(prepareRules(saved.rules, ['rules'], o, 'gesture rules saved from the control UI'));
        this.origin = 'edited';
        this.savedAt = saved.savedAt;
        return;
      }
    } catch (err) {
      // Edits made in the UI never stop the server from starting: say why they are not in force.
      this.problem = (err as Error).message;
      o.logger.error({ err: this.problem }, 'saved gesture rules cannot be used; using the rules from the configuration');
    }
    o.engine.setRules(this.configRules);
  }

  state(): GestureRulesState {
    return { origin: this.origin, savedAt: this.savedAt, problem: this.problem, rules: this.views() };
  }

  views(): GestureRuleView[] {
    return this.o.engine.current.map(({ index, rule }) => ({
      index,
      gesture: rule.gesture,
      hand: rule.hand,
      minHoldMs: rule.minHoldMs,
      cooldownMs: rule.cooldownMs,
      ...(rule.room ? { room: rule.room } : {}),
      actions: rule.actions as GestureRuleView['actions'],
      lastFiredAt: this.o.engine.lastFiredAt.get(index) ?? null,
    }));
  }

  /** Validate (throws ValidationError naming `rules[i]...` paths), save and use `input`. */
  replace(input: unknown): GestureRulesState {
    const prepared = prepareRules(input, ['rules'], this.o, 'gesture rules');
    const saved = this.o.store.save(prepared.map((p) => p.rule));
    this.o.engine.setRules(prepared);
    this.origin = 'edited';
    this.savedAt = saved.savedAt;
    this.problem = null;
    return this.state();
  }

  /** Forget the UI's edits: roomcast.yaml's rules again. */
  reset(): GestureRulesState {
    this.o.store.clear();
    this.o.engine.setRules(this.configRules);
    this.origin = 'config';
    this.savedAt = null;
    this.problem = null;
    return this.state();
  }
}
