import { z } from 'zod';
import { NotFoundError } from '../../../server/errors.ts';
import { ValidationError, formatZodIssues } from '../../../server/validation/formatIssues.ts';
import type { EffectDefinition } from './Effect.ts';
import { prefixIssues } from '../validation.ts';

/** What the UI and `GET /api/lights/effects` show of an effect. */
export interface EffectSummary {
  id: string;
  description: string;
  defaultDurationMs: number | null;
  defaultPriority: number;
  /** JSON Schema of the params (input side), for forms. */
  paramsJsonSchema: unknown;
}

/** Every effect the engine can fire, built-in or from a plugin. */
export class EffectRegistry {
  readonly #effects = new Map<string, EffectDefinition>();

  register(effect: EffectDefinition): void {
    if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/i.test(effect.id)) throw new Error(`effect id "${effect.id}" must be 1-64 letters, digits, ".", "_" or "-"`);
    if (this.#effects.has(effect.id)) throw new Error(`effect "${effect.id}" is already registered`);
    this.#effects.set(effect.id, effect);
  }

  get ids(): string[] {
    return [...this.#effects.keys()];
  }

  find(id: string): EffectDefinition | undefined {
    return this.#effects.get(id);
  }

  get(id: string): EffectDefinition {
    const effect = this.#effects.get(id);
    if (!effect) throw new NotFoundError('effect', id, this.ids);
    return effect;
  }

  /** Params checked against the effect's schema; ValidationError paths start at `path` (e.g. `['params']`). */
  parseParams(id: string, params: unknown, path: PropertyKey[] = ['params'], what = 'effect params'): unknown {
    const effect = this.get(id);
    const result = (effect.paramsSchema as z.ZodType).safeParse(params ?? {});
    if (result.success) return result.data;
    throw new ValidationError(what, prefixIssues(formatZodIssues(result.error, effect.paramsSchema), path));
  }

  list(): EffectSummary[] {
    return [...this.#effects.values()].map((effect) => ({
      id: effect.id,
      description: effect.description,
      defaultDurationMs: effect.defaultDurationMs,
      defaultPriority: effect.defaultPriority,
      paramsJsonSchema: jsonSchemaOf(effect.paramsSchema),
    }));
  }
}

function jsonSchemaOf(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}
