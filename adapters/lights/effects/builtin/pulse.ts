import { z } from 'zod';
import { defineEffect } from '../Effect.ts';
import { colourLevels, colourParam, msParam } from './params.ts';

/** A smooth (cosine) breathing of intensity between min and max; `spread` offsets fixtures' phases. */
export const pulseEffect = defineEffect({
  id: 'pulse',
  description: 'Smooth breathing of intensity between min and max',
  defaultDurationMs: 6_000,
  defaultPriority: 30,
  paramsSchema: z.strictObject({
    colour: colourParam('#ffffff'),
    periodMs: msParam(2_000, 100, 600_000),
    min: z.number().min(0).max(1).default(0.1),
    max: z.number().min(0).max(1).default(1),
    /** 0: all in phase; 1: phases spread over one period across the targets. */
    spread: z.number().min(0).max(1).default(0),
  }),
  start: ({ colour, periodMs, min, max, spread }) => {
    const levels = colourLevels(colour, min);
    return (time, fixture) => {
      const phase = time.elapsedMs / periodMs + (spread * fixture.index) / Math.max(1, fixture.count);
      levels.intensity = min + (max - min) * (0.5 - 0.5 * Math.cos(2 * Math.PI * phase));
      return levels;
    };
  },
});
