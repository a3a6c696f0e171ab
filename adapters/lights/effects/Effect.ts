import type { z } from 'zod';
import type { ActionTrigger } from '../../../server/actions/Action.ts';
import type { Attribute, AttributeLevels } from '../attributes.ts';
import type { Look } from '../looks.ts';

/**
 * The Effect contract. Built-in effects and plugins' effects are the same kind of plain object,
 * registered into the EffectRegistry (`ctx.use('lights.effects').register(myEffect)`):
 *
 * ```ts
 * export const sparkle = defineEffect({
 *   id: 'sparkle', description: 'Random fixtures blink', defaultDurationMs: 4000, defaultPriority: 30,
 *   paramsSchema: z.strictObject({ colour: ColourSchema.default('#ffffff') }),
 *   start: (params, ctx) => (time, fixture) => ({ ...params.colour, intensity: Math.random() }),
 * });
 * ```
 * An effect says what each targeted fixture should show at a time; the engine merges it with the other
 * effects and the base look, limits flashes, and renders to DMX/Hue. Effects never see hardware.
 */

/** Where a firing is in its life. */
export interface EffectTime {
  /** Milliseconds since the effect was fired. */
  elapsedMs: number;
  /** Its duration, or null when it runs until stopped. */
  durationMs: number | null;
  /** `elapsedMs / durationMs` clamped to 0..1; 0 when it runs until stopped. */
  progress: number;
}

/** One fixture an effect was fired at. */
export interface EffectFixture {
  id: string;
  name: string;
  groups: readonly string[];
  /** Position among this firing's targets (chase order) and how many targets there are. */
  index: number;
  count: number;
  /** What the fixture can show; an effect may set others, they are ignored. */
  attributes: ReadonlySet<Attribute>;
}

export interface EffectStartContext {
  fixtures: readonly EffectFixture[];
  /** What fired it (a rule's event, or the API), with the event's data (donation amount...). */
  trigger: ActionTrigger | undefined;
  durationMs: number | null;
  /** A named scene from config; throws NotFoundError naming the known ones. */
  scene(name: string): Look;
}

/**
 * Levels for one fixture at one time; attributes left out (or `undefined` returned) leave what is below
 * this effect (lower-priority effects, then the base look) untouched. The engine reads the result before
 * it calls the renderer again, so a renderer may return (and refill) the same object every time.
 */
export type EffectRenderer = (time: EffectTime, fixture: EffectFixture) => AttributeLevels | undefined;

export interface EffectDefinition<Schema extends z.ZodType = z.ZodType> {
  /** Used in rules and the API: `strobe`, `chase`, `myplugin.sparkle`. */
  id: string;
  /** One line for the UI. */
  description: string;
  /** Strict, with defaults for everything a test-fire button can leave out. */
  paramsSchema: Schema;
  /** How long a firing lasts unless the request says otherwise; null: until stopped. */
  defaultDurationMs: number | null;
  /** Higher wins over lower (see engine/mergeLayers.ts); the base look is below everything. */
  defaultPriority: number;
  /** Firings go to this layer unless the request names one: a new firing on a layer replaces the old. */
  defaultLayer?: string;
  /** Cross-fades with what is below: in when it starts, out when it ends or is stopped. */
  envelope?(params: z.output<Schema>): { fadeInMs?: number; fadeOutMs?: number };
  /** Called once per firing with validated params. Throw a RequestError for a bad request (unknown scene). */
  start(params: z.output<Schema>, ctx: EffectStartContext): EffectRenderer;
}

/** Keeps the params type attached to `start` (`defineEffect({...})`). */
export function defineEffect<Schema extends z.ZodType>(effect: EffectDefinition<Schema>): EffectDefinition<Schema> {
  return effect;
}
