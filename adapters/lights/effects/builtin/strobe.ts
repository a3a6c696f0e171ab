import { z } from 'zod';
import { defineEffect } from '../Effect.ts';
import { colourLevels, colourParam, intensityParam } from './params.ts';

/**
 * Square-wave intensity at `rateHz`. What it asks for is not what fixtures show: the flash limiter lets
 * at most 3 flashes per second through on every fixture that hasn't been opted out.
 */
export const strobeEffect = defineEffect({
  id: 'strobe',
  description: 'Strobe at rateHz (the flash limiter caps what fixtures show at 3 flashes/s)',
  defaultDurationMs: 3_000,
  defaultPriority: 60,
  paramsSchema: z.strictObject({
    colour: colourParam('#ffffff'),
    intensity: intensityParam(),
    rateHz: z.number().min(0.1).max(25).default(10),
    /** Fraction of each period that is on. */
    duty: z.number().min(0.05).max(0.95).default(0.5),
  }),
  start: ({ colour, intensity, rateHz, duty }) => {
    const on = colourLevels(colour, intensity);
    const off = colourLevels(colour, 0);
    const periodMs = 1_000 / rateHz;
    return (time) => ((time.elapsedMs % periodMs) / periodMs < duty ? on : off);
  },
});
