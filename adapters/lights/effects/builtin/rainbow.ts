import { z } from 'zod';
import { hueToRgb } from '../../colour.ts';
import { defineEffect } from '../Effect.ts';
import { colourLevels, intensityParam, msParam } from './params.ts';

/** The colour wheel, once per `periodMs`; `spread` shares the wheel out across the targets. */
export const rainbowEffect = defineEffect({
  id: 'rainbow',
  description: 'Cycle through the colour wheel (spread across the targets)',
  defaultDurationMs: 10_000,
  defaultPriority: 30,
  paramsSchema: z.strictObject({
    periodMs: msParam(5_000, 200, 600_000),
    spread: z.number().min(0).max(1).default(1),
    saturation: z.number().min(0).max(1).default(1),
    intensity: intensityParam(),
    fadeMs: msParam(500, 0, 60_000),
  }),
  envelope: ({ fadeMs }) => ({ fadeInMs: fadeMs, fadeOutMs: fadeMs }),
  start: ({ periodMs, spread, saturation, intensity }) => {
    // One object per firing, refilled per fixture (the engine reads it before the next call).
    const rgb = { red: 0, green: 0, blue: 0 };
    const levels = colourLevels(rgb, intensity);
    return (time, fixture) => {
      hueToRgb(time.elapsedMs / periodMs + (spread * fixture.index) / Math.max(1, fixture.count), saturation, 1, rgb);
      levels.red = rgb.red;
      levels.green = rgb.green;
      levels.blue = rgb.blue;
      return levels;
    };
  },
});
