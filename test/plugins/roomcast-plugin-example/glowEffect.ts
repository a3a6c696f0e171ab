import { defineEffect, z } from 'roomcast/sdk';

const hex = z.string().regex(/^#[0-9a-f]{6}$/i, 'must be a colour like #ffb060');

/**
 * A warm glow that fades out: fire it on motion_start and the room answers someone walking in. Returns
 * normalised levels; the lights engine merges, limits flashes and renders to DMX/Hue.
 */
export const glowEffect = defineEffect({
  id: 'example.glow',
  description: 'A glow in one colour that fades out',
  defaultDurationMs: 3_000,
  defaultPriority: 40,
  paramsSchema: z.strictObject({ colour: hex.default('#ffb060'), peak: z.number().min(0).max(1).default(1) }),
  envelope: () => ({ fadeInMs: 150 }),
  start: ({ colour, peak }) => {
    const [red, green, blue] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16) / 255) as [number, number, number];
    return (time) => ({ red, green, blue, intensity: peak * (time.durationMs === null ? 1 : 1 - time.progress) });
  },
});
