import type { Logger } from 'pino';
import type { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import { ValidationError, formatZodIssues, type FormattedIssue } from '../validation/formatIssues.ts';
import type { ActionSpec, ActionTrigger, ActionType } from './Action.ts';

/** A validated action, ready to run many times (rules validate once, at load). */
export interface PreparedAction {
  type: string;
  params: unknown;
  run(trigger: ActionTrigger): Promise<void>;
}

/**
 * Every action type the server knows. Rules (gestures, chat commands, donations) hold ActionSpecs; the
 * registry checks them against the type's schema with errors that name the path, and runs them.
 */
export class ActionRegistry {
  private readonly types = new Map<string, ActionType>();

  constructor(private readonly logger: Logger) {}

  register(action: ActionType): void {
    if (this.types.has(action.type)) throw new Error(`action type "${action.type}" is already registered`);
    this.types.set(action.type, action);
  }

  list(): Array<Pick<ActionType, 'type' | 'description'>> {
    return [...this.types.values()].map(({ type, description }) => ({ type, description }));
  }

  /**
   * Validate `spec` (found at `path` in its source, e.g. `gestures.rules[2].actions[0]`); issues carry
   * full paths. Throws ValidationError.
   */
  prepare(spec: unknown, path: PropertyKey[] = [], what = 'action'): PreparedAction {
    const issues = this.check(spec, path);
    if (issues.length) throw new ValidationError(what, issues);
    const { type, ...rest } = spec as ActionSpec;
    const action = this.types.get(type)!;
    const params = (action.paramsSchema as z.ZodType).parse(rest);
    return {
      type,
      params,
      run: async (trigger) => {
        const started = performance.now();
        try {
          await action.run(params, trigger, { logger: this.logger });
          this.logger.debug({ action: type, source: trigger.source, room: trigger.room, ms: performance.now() - started }, 'action ran');
        } catch (err) {
          this.logger.error({ action: type, source: trigger.source, room: trigger.room, err: (err as Error).message }, 'action failed');
          throw err;
        }
      },
    };
  }

  /** Problems with `spec`, each naming its full path; empty when it is valid. */
  check(spec: unknown, path: PropertyKey[] = []): FormattedIssue[] {
    const at = (sub: PropertyKey[], message: string): FormattedIssue => {
      const rawPath = [...path, ...sub];
      return { path: rawPath.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(root)', rawPath, message };
    };
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return [at([], 'an action must be an object with a "type"')];
    const { type, ...rest } = spec as Record<string, unknown>;
    if (typeof type !== 'string') return [at(['type'], `required: one of ${[...this.types.keys()].join(', ')}`)];
    const action = this.types.get(type);
    if (!action) return [at(['type'], new NotFoundError('action type', type, [...this.types.keys()]).message)];
    const result = (action.paramsSchema as z.ZodType).safeParse(rest);
    if (result.success) return [];
    return formatZodIssues(result.error, action.paramsSchema).map((issue) => at(issue.rawPath, issue.message));
  }

  /** Validate and run once (API "test fire" buttons). */
  async run(spec: unknown, trigger: ActionTrigger): Promise<void> {
    await this.prepare(spec).run(trigger);
  }
}
