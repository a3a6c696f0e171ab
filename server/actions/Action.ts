import type { z } from 'zod';
import type { Logger } from 'pino';

/** What caused an action: shown in logs and the UI, and available to the action (e.g. donation amount). */
export interface ActionTrigger {
  /** `gesture`, `api`, `chat`, `donation`, `schedule`, a plugin's name... */
  source: string;
  room: string;
  /** Human-readable, e.g. `thumbs_up (Right)` or `cheer 500 bits from ada`. */
  description: string;
  /** Facts of the triggering event for actions that use them (amount, user, gesture...). */
  data?: Record<string, unknown> | undefined;
}

/**
 * One kind of thing a rule can do when triggered ("fire an effect", "show an overlay alert", "switch the
 * OBS scene"). Built-ins and plugins register the same shape; params are validated before anything runs.
 */
export interface ActionType<Schema extends z.ZodType = z.ZodType> {
  /** Dotted id used in config: `overlay.alert`, `effect.fire`, `obs.scene`... */
  type: string;
  /** One line for the UI. */
  description: string;
  /** Params (everything in the action object except `type`); strict, with readable errors. */
  paramsSchema: Schema;
  run(params: z.output<Schema>, trigger: ActionTrigger, ctx: { logger: Logger }): Promise<void> | void;
}

/** An action as written in config or sent over the API: `{ type: 'overlay.alert', title: 'Hi' }`. */
export interface ActionSpec {
  type: string;
  [param: string]: unknown;
}

export function defineActionType<Schema extends z.ZodType>(action: ActionType<Schema>): ActionType<Schema> {
  return action;
}
