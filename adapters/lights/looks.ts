import { z } from 'zod';
import { ColourSchema } from './colour.ts';
import type { AttributeLevels } from './attributes.ts';
import { FixtureIdSchema, GroupNameSchema } from '../../hardware/patch/PatchSchema.ts';

const level = z.number().min(0).max(1);

/**
 * Levels for one fixture: any attribute 0..1, or `colour` as a shorthand for red/green/blue (white and
 * amber then default to 0 so an RGBW fixture shows the colour asked for, not a tint of it).
 */
export const LevelsSchema = z
  .strictObject({
    colour: ColourSchema.optional(),
    intensity: level.optional(),
    red: level.optional(),
    green: level.optional(),
    blue: level.optional(),
    white: level.optional(),
    amber: level.optional(),
    /** Fraction of the fixture's pan range (0.5 = centre). */
    pan: level.optional(),
    tilt: level.optional(),
    /** Hardware strobe rate (0 = off). Only opted-out fixtures ever get a non-zero strobe: see safety/. */
    strobe: level.optional(),
  })
  .transform(({ colour, ...levels }): AttributeLevels => {
    const out: AttributeLevels = colour ? { red: colour.red, green: colour.green, blue: colour.blue, white: 0, amber: 0 } : {};
    for (const [key, value] of Object.entries(levels)) if (value !== undefined) out[key as keyof AttributeLevels] = value;
    return out;
  });

/** A look: levels for all fixtures, per group, and per fixture (more specific wins). Base look and scenes use it. */
export const LookSchema = z.strictObject({
  all: LevelsSchema.optional(),
  groups: z.record(GroupNameSchema, LevelsSchema).optional(),
  fixtures: z.record(FixtureIdSchema, LevelsSchema).optional(),
});

export type Look = z.output<typeof LookSchema>;
export type LookInput = z.input<typeof LookSchema>;

/** The look's levels for one fixture: `all`, then each of its groups in order, then its own entry. */
export function resolveLook(look: Look, fixture: { id: string; groups: readonly string[] }): AttributeLevels {
  const out: AttributeLevels = { ...look.all };
  for (const group of fixture.groups) Object.assign(out, look.groups?.[group]);
  Object.assign(out, look.fixtures?.[fixture.id]);
  return out;
}

/** Does the look say anything about this fixture? (Scene recall targets those fixtures by default.) */
export function lookCovers(look: Look, fixture: { id: string; groups: readonly string[] }): boolean {
  return look.all !== undefined || look.fixtures?.[fixture.id] !== undefined || fixture.groups.some((g) => look.groups?.[g] !== undefined);
}
