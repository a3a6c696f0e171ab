import { z } from 'zod';
import { defineEffect } from '../Effect.ts';
import { colourLevels, colourParam, intensityParam, msParam } from './params.ts';

/** One colour on every target, faded in and out. */
export const solidEffect = defineEffect({
  id: 'solid',
  description: 'One colour on every target (fades in and out over fadeMs)',
  defaultDurationMs: 10_000,
  defaultPriority: 20,
  paramsSchema: z.strictObject({
    colour: colourParam('#ffffff'),
    intensity: intensityParam(),
    fadeMs: msParam(0, 0, 60_000),
  }),
  envelope: ({ fadeMs }) => ({ fadeInMs: fadeMs, fadeOutMs: fadeMs }),
  start: ({ colour, intensity }) => {
    const levels = colourLevels(colour, intensity);
    return () => levels;
  },
});
