import { z } from 'zod';
import { ATTRIBUTES, type Attribute } from '../../adapters/lights/attributes.ts';

/**
 * A fixture profile (`hardware/fixtures/<id>.json`): which attribute each DMX channel of the fixture
 * carries, in slot order. Profiles describe hardware; the patch (`lights.fixtures`) places them.
 */

export const ProfileIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 lowercase letters, digits, "-" or "_"');

/**
 * One DMX channel: either driven by an `attribute`, or `fixed` at a value the engine never changes
 * (mode, macro, speed). One object shape (not a union) so mistakes get precise messages.
 */
export const ProfileChannelSchema = z
  .strictObject({
    attribute: z.enum(ATTRIBUTES).optional(),
    /** 16-bit attributes take two channels: `coarse` (MSB) and `fine` (LSB). Default: one 8-bit channel. */
    byte: z.enum(['coarse', 'fine']).optional(),
    /**
     * DMX values an attribute level 0..1 maps onto (default [0, 255]); e.g. a strobe channel whose
     * 0-15 means "open" uses `range: [16, 255]` with `off: 0`.
     */
    range: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255)]).optional(),
    /** Value sent when the level is exactly 0 (strobe channels: the "no strobe / open" value). */
    off: z.number().int().min(0).max(255).optional(),
    /** A channel the engine doesn't drive: always this value. */
    fixed: z.number().int().min(0).max(255).optional(),
    label: z.string().max(80).optional(),
  })
  .superRefine((channel, ctx) => {
    if ((channel.attribute === undefined) === (channel.fixed === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a channel has either an "attribute" or a "fixed" value' });
    }
    if (channel.fixed !== undefined) {
      for (const key of ['byte', 'range', 'off'] as const) {
        if (channel[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only for attribute channels' });
      }
    }
  });

const AxisSchema = z.strictObject({ degrees: z.number().positive().max(1080) });

export const FixtureProfileSchema = z
  .strictObject({
    /** Optional editor hint; ignored. */
    $schema: z.string().optional(),
    id: ProfileIdSchema,
    name: z.string().min(1).max(120),
    manufacturer: z.string().max(80).default('Generic'),
    /** How the control UI draws it. */
    shape: z.enum(['par', 'dimmer', 'bar', 'moving-head']).default('par'),
    channels: z.array(ProfileChannelSchema).min(1).max(512),
    pan: AxisSchema.optional(),
    tilt: AxisSchema.optional(),
  })
  .superRefine((profile, ctx) => {
    const seen = new Map<string, number>();
    profile.channels.forEach((channel, index) => {
      if (channel.attribute === undefined) return;
      const key = `${channel.attribute}:${channel.byte ?? 'coarse'}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['channels', index, 'attribute'], message: `"${channel.attribute}"${channel.byte ? ` (${channel.byte})` : ''} is already on channel ${first + 1}` });
      }
      seen.set(key, index);
      if (channel.range && channel.range[0] > channel.range[1]) {
        ctx.addIssue({ code: 'custom', path: ['channels', index, 'range'], message: 'must be [low, high] with low <= high' });
      }
    });
    profile.channels.forEach((channel, index) => {
      if (channel.attribute !== undefined && channel.byte === 'fine' && !seen.has(`${channel.attribute}:coarse`)) {
        ctx.addIssue({ code: 'custom', path: ['channels', index, 'byte'], message: `a fine "${channel.attribute}" channel needs a coarse one` });
      }
    });
  });

export type FixtureProfileInput = z.input<typeof FixtureProfileSchema>;
export type FixtureProfileData = z.output<typeof FixtureProfileSchema>;
export type ProfileChannel = z.output<typeof ProfileChannelSchema>;

/** A validated profile plus what the engine derives from it once. */
export interface FixtureProfile extends FixtureProfileData {
  /** Channels (DMX slots) the fixture occupies. */
  footprint: number;
  /** Attributes the fixture can show; others are ignored when rendering and by the flash limiter. */
  attributes: ReadonlySet<Attribute>;
  /** No dimmer channel but colour emitters: intensity scales the colour channels. */
  virtualDimmer: boolean;
  /** Where it was read from (for error messages). */
  source: string;
}

const COLOUR_ATTRIBUTES: readonly Attribute[] = ['red', 'green', 'blue', 'white', 'amber'];

export function describeProfile(data: FixtureProfileData, source: string): FixtureProfile {
  const attributes = new Set<Attribute>();
  for (const channel of data.channels) if (channel.attribute !== undefined) attributes.add(channel.attribute);
  const hasColour = COLOUR_ATTRIBUTES.some((a) => attributes.has(a));
  const virtualDimmer = !attributes.has('intensity') && hasColour;
  // A virtual dimmer is still an intensity the engine drives (by scaling the colour channels).
  if (virtualDimmer) attributes.add('intensity');
  return { ...data, footprint: data.channels.length, attributes, virtualDimmer, source };
}
