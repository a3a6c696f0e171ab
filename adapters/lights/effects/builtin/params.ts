import { z } from 'zod';
import { ColourSchema, type Rgb } from '../../colour.ts';
import type { AttributeLevels } from '../../attributes.ts';

/** Param building blocks shared by the built-in effects (plugins may use them too). */
export const colourParam = (fallback: string) => ColourSchema.prefault(fallback).describe('"#rrggbb", "#rgb" or a colour name');
export const intensityParam = (fallback = 1) => z.number().min(0).max(1).default(fallback).describe('0..1');
export const msParam = (fallback: number, min = 0, max = 600_000) => z.number().int().min(min).max(max).default(fallback);

/** Colour levels with white and amber off, so RGBW/RGBA fixtures show exactly the colour asked for. */
export function colourLevels(colour: Rgb, intensity: number): AttributeLevels {
  return { intensity, red: colour.red, green: colour.green, blue: colour.blue, white: 0, amber: 0 };
}
