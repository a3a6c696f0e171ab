import { z } from 'zod';
import { defineEffect } from '../Effect.ts';
import { colourLevels, colourParam, intensityParam, msParam } from './params.ts';

/**
 * Jump to the colour at full, hold `holdMs` (the firing's duration), then fade back to whatever is below
 * over `decayMs`. A single flash: the limiter counts it like any other.
 */
export const flashEffect = defineEffect({
  id: 'flash',
  description: 'One flash of colour that decays back to the look below',
  defaultDurationMs: 100,
  defaultPriority: 50,
  paramsSchema: z.strictObject({
    colour: colourParam('#ffffff'),
    intensity: intensityParam(),
    decayMs: msParam(700, 0, 60_000),
  }),
  envelope: ({ decayMs }) => ({ fadeInMs: 0, fadeOutMs: decayMs }),
  start: ({ colour, intensity }) => {
    const levels = colourLevels(colour, intensity);
    return () => levels;
  },
});
