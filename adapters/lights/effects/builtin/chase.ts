import { z } from 'zod';
import { defineEffect } from '../Effect.ts';
import { colourLevels, colourParam, intensityParam, msParam } from './params.ts';

/**
 * A lit block of `width` fixtures stepping across the targets (in patch or group order) every `stepMs`;
 * the others sit at `background`.
 */
export const chaseEffect = defineEffect({
  id: 'chase',
  description: 'A lit fixture steps across the targets (a group, in order)',
  defaultDurationMs: 6_000,
  defaultPriority: 30,
  paramsSchema: z.strictObject({
    colour: colourParam('#ffffff'),
    intensity: intensityParam(),
    background: intensityParam(0),
    stepMs: msParam(250, 20, 60_000),
    width: z.number().int().min(1).max(64).default(1),
    direction: z.enum(['forward', 'backward', 'bounce']).default('forward'),
  }),
  start: ({ colour, intensity, background, stepMs, width, direction }) => {
    const on = colourLevels(colour, intensity);
    const off = colourLevels(colour, background);
    return (time, fixture) => {
      const count = fixture.count;
      const step = Math.floor(time.elapsedMs / stepMs);
      let head: number;
      if (direction === 'forward') head = step % count;
      else if (direction === 'backward') head = count - 1 - (step % count);
      else {
        const span = Math.max(1, 2 * (count - 1));
        const p = step % span;
        head = p < count ? p : span - p;
      }
      const behind = (((head - fixture.index) % count) + count) % count;
      return behind < width ? on : off;
    };
  },
});
