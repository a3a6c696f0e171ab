import { z } from 'zod';
import { ColourSchema, type Rgb } from '../../colour.ts';
import { defineEffect } from '../Effect.ts';
import { colourLevels, colourParam, intensityParam, msParam } from './params.ts';

const DEFAULT_TIERS = [
  { min: 0, colour: '#00b4ff' },
  { min: 5, colour: '#00ff6a' },
  { min: 20, colour: '#ff00d4' },
  { min: 100, colour: '#ffc400' },
];

/** `a.b.c` in the trigger's data. */
function lookup(data: Record<string, unknown> | undefined, path: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The triggering event picks the colour: `values` maps exact values (a gesture name, a reward id) to
 * colours; numbers (a donation amount, bits) pick the highest tier whose `min` they reach.
 */
export const eventColourEffect = defineEffect({
  id: 'event-colour',
  description: "Colour picked from the triggering event's data (e.g. donation amount tiers)",
  defaultDurationMs: 4_000,
  defaultPriority: 40,
  paramsSchema: z.strictObject({
    /** Dotted path into the trigger's data, e.g. `amount` or `donation.amount`. */
    field: z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be a dotted path like "amount" or "donation.amount"').default('amount'),
    tiers: z.array(z.strictObject({ min: z.number(), colour: ColourSchema })).max(32).prefault(DEFAULT_TIERS),
    values: z.record(z.string(), ColourSchema).default({}),
    fallback: colourParam('#ffffff'),
    intensity: intensityParam(),
    fadeMs: msParam(150, 0, 10_000),
  }),
  envelope: ({ fadeMs }) => ({ fadeInMs: fadeMs, fadeOutMs: fadeMs * 4 }),
  start: ({ field, tiers, values, fallback, intensity }, ctx) => {
    const value = lookup(ctx.trigger?.data, field);
    let colour: Rgb = fallback;
    if (value !== undefined && value !== null && Object.hasOwn(values, String(value))) colour = values[String(value)]!;
    else {
      const amount = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (Number.isFinite(amount)) {
        const tier = tiers.filter((t) => amount >= t.min).sort((a, b) => b.min - a.min)[0];
        if (tier) colour = tier.colour;
      }
    }
    const levels = colourLevels(colour, intensity);
    return () => levels;
  },
});
