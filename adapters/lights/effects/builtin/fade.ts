import { z } from 'zod';
import { ColourSchema } from '../../colour.ts';
import { defineEffect } from '../Effect.ts';
import { colourLevels, colourParam, intensityParam, msParam } from './params.ts';

/**
 * A timed fade: from what is there (or from an explicit `from` colour) to `colour` over `fadeMs`, then
 * holds; on release it fades back over `fadeOutMs`.
 */
export const fadeEffect = defineEffect({
  id: 'fade',
  description: 'Fade to a colour over fadeMs (from what is lit, or from a given colour), then hold',
  defaultDurationMs: 10_000,
  defaultPriority: 20,
  paramsSchema: z.strictObject({
    colour: colourParam('#ffffff'),
    intensity: intensityParam(),
    fadeMs: msParam(2_000, 0, 600_000),
    fadeOutMs: msParam(1_000, 0, 600_000),
    from: z.strictObject({ colour: ColourSchema, intensity: intensityParam() }).optional(),
  }),
  // Without `from`, the engine's cross-fade from the layers below IS the fade.
  envelope: ({ fadeMs, fadeOutMs, from }) => ({ fadeInMs: from ? 0 : fadeMs, fadeOutMs }),
  start: ({ colour, intensity, fadeMs, from }) => {
    const to = colourLevels(colour, intensity);
    if (!from) return () => to;
    const start = colourLevels(from.colour, from.intensity);
    const keys = Object.keys(to) as Array<keyof typeof to>;
    return (time) => {
      const k = fadeMs > 0 ? Math.min(1, time.elapsedMs / fadeMs) : 1;
      const out: typeof to = {};
      for (const key of keys) out[key] = start[key]! + k * (to[key]! - start[key]!);
      return out;
    };
  },
});
