import { z } from 'zod';
import { ProfileIdSchema } from '../profiles/FixtureProfileSchema.ts';

/**
 * One patched fixture (`lights.fixtures[]` in roomcast.yaml, or the patch saved from the control UI).
 * DMX fixtures (the default kind) place a profile at a universe and start address; Hue fixtures name a
 * bridge (the Hue adapter's id) and a light on it.
 */

export const FixtureIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit');

export const GroupNameSchema = FixtureIdSchema;

/** sACN allows 1..63999; Art-Net's 15-bit port address fits inside. */
export const MAX_UNIVERSE = 63_999;
export const DMX_SLOTS = 512;

const DMX_ONLY = ['profile', 'universe', 'address'] as const;
const HUE_ONLY = ['bridge', 'light', 'colour'] as const;

export const PatchFixtureInputSchema = z
  .strictObject({
    id: FixtureIdSchema,
    name: z.string().trim().min(1).max(80).optional(),
    /** `dmx` (default) or `hue`. */
    kind: z.enum(['dmx', 'hue']).default('dmx'),
    profile: ProfileIdSchema.optional(),
    universe: z.number().int().min(1).max(MAX_UNIVERSE).optional(),
    /** First DMX slot (1-512); the profile's channels follow. */
    address: z.number().int().min(1).max(DMX_SLOTS).optional(),
    bridge: z.string().min(1).max(64).optional(),
    light: z.union([z.string().min(1).max(64), z.number().int().min(0)]).optional(),
    /** Hue: false for white-only lights (they get brightness and a warm white, never xy). */
    colour: z.boolean().optional(),
    groups: z.array(GroupNameSchema).max(32).default([]),
    /**
     * Turns the 3-flashes-per-second limiter OFF for this fixture. The value is the reason (shown in the
     * log and the UI); there is no global switch on purpose.
     */
    flashLimitOptOut: z.string().trim().min(3, 'give the reason for turning the flash limiter off (at least 3 characters)').max(200).optional(),
  })
  .superRefine((fixture, ctx) => {
    const wrong = fixture.kind === 'hue' ? DMX_ONLY : HUE_ONLY;
    for (const key of wrong) {
      if (fixture[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only for ${fixture.kind === 'hue' ? 'DMX' : 'Hue'} fixtures (this one is kind: ${fixture.kind})` });
    }
    const needed = fixture.kind === 'hue' ? (['bridge', 'light'] as const) : (['profile', 'universe', 'address'] as const);
    for (const key of needed) {
      if (fixture[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `required key is missing (${fixture.kind === 'hue' ? 'Hue' : 'DMX'} fixtures need ${needed.join(', ')})` });
    }
    const seen = new Set<string>();
    fixture.groups.forEach((group, index) => {
      if (seen.has(group)) ctx.addIssue({ code: 'custom', path: ['groups', index], message: `group "${group}" is listed twice` });
      seen.add(group);
    });
  })
  .transform((f): PatchFixture => {
    const common = { id: f.id, name: f.name ?? f.id, groups: f.groups, ...(f.flashLimitOptOut ? { flashLimitOptOut: f.flashLimitOptOut } : {}) };
    return f.kind === 'hue'
      ? { ...common, kind: 'hue', bridge: f.bridge!, light: String(f.light!), colour: f.colour ?? true }
      : { ...common, kind: 'dmx', profile: f.profile!, universe: f.universe!, address: f.address! };
  });

interface PatchFixtureCommon {
  id: string;
  name: string;
  groups: string[];
  flashLimitOptOut?: string | undefined;
}

export interface DmxPatchFixture extends PatchFixtureCommon {
  kind: 'dmx';
  profile: string;
  universe: number;
  address: number;
}

export interface HuePatchFixture extends PatchFixtureCommon {
  kind: 'hue';
  bridge: string;
  light: string;
  colour: boolean;
}

export type PatchFixture = DmxPatchFixture | HuePatchFixture;
export type PatchFixtureInput = z.input<typeof PatchFixtureInputSchema>;

export const PatchSchema = z.array(PatchFixtureInputSchema).max(65_536);
