import { ATTR, ATTRIBUTES, ATTRIBUTE_COUNT, type Attribute, type AttributeLevels } from '../attributes.ts';
import type { FixtureProfile } from '../../../hardware/profiles/FixtureProfileSchema.ts';
import type { PatchFixture } from '../../../hardware/patch/PatchSchema.ts';
import { FlashLimiter } from '../safety/FlashLimiter.ts';
import type { EffectFixture } from '../effects/Effect.ts';
import type { Firing } from './Firing.ts';

/** Levels of a fixture nothing (not even the base look) says anything about: dark, white, centred. */
export const DEFAULT_LEVELS: Readonly<Record<Attribute, number>> = {
  intensity: 0,
  red: 1,
  green: 1,
  blue: 1,
  white: 0,
  amber: 0,
  pan: 0.5,
  tilt: 0.5,
  strobe: 0,
};

/** One DMX slot of a fixture: what goes there and how a 0..1 level becomes a byte. */
export interface SlotPlan {
  /** 0-based slot in the universe frame. */
  slot: number;
  /** Fixed value, or -1 when driven by `attribute`. */
  fixed: number;
  attribute: number;
  /** 8: one channel; 16: the coarse byte of a 16-bit pair; -16: its fine byte. */
  bits: 8 | 16 | -16;
  low: number;
  high: number;
  /** Value at level 0 (strobe "open"), or -1. */
  off: number;
  /** Colour channel of a fixture without a dimmer channel: scaled by intensity. */
  scaledByIntensity: boolean;
}

const HUE_COLOUR_ATTRIBUTES: ReadonlySet<Attribute> = new Set<Attribute>(['intensity', 'red', 'green', 'blue']);
const HUE_WHITE_ATTRIBUTES: ReadonlySet<Attribute> = new Set<Attribute>(['intensity']);
const COLOURS = new Set(['red', 'green', 'blue', 'white', 'amber']);

/**
 * Every fixture's numbers in a few packed arrays (fixture i at i * size): the engine walks thousands of
 * fixtures per frame, and contiguous memory keeps that fast.
 */
export interface FixtureStorage {
  bases: Float64Array;
  outputs: Float64Array;
  limiters: Float64Array;
}

export function createFixtureStorage(count: number): FixtureStorage {
  return {
    bases: new Float64Array(count * ATTRIBUTE_COUNT),
    outputs: new Float64Array(count * ATTRIBUTE_COUNT),
    limiters: new Float64Array(count * FlashLimiter.STATE_SIZE),
  };
}

/** A fixture as the engine renders it: patch entry, profile, channel plan, levels and its own limiter. */
export class PatchedFixture {
  readonly id: string;
  readonly attributes: ReadonlySet<Attribute>;
  /**
   * Firings on this fixture, sorted by (priority, fire order), and the fixture as each firing sees it
   * (index, count): parallel arrays, rebuilt when firings or the patch change.
   */
  layerFirings: Firing[] = [];
  layerTargets: EffectFixture[] = [];
  /** Output is exactly the base look with nothing on it: the next frame can skip this fixture. */
  settled = false;
  readonly plan: readonly SlotPlan[];
  /** The base look resolved for this fixture (DEFAULT_LEVELS where the look is silent). */
  readonly base: Float64Array;
  /** Last output (after merge and flash limiting): a view into the engine's array of all outputs. */
  readonly output: Float64Array;
  readonly limiter: FlashLimiter | null;
  /** Whether the last frame was damped by the flash limiter. */
  limited = false;

  constructor(
    readonly patch: PatchFixture,
    readonly profile: FixtureProfile | undefined,
    readonly index: number,
    baseLook: AttributeLevels,
    /** Packed arrays for all fixtures (this one's slice is at `index`); defaults: its own. */
    storage: FixtureStorage = createFixtureStorage(index + 1),
  ) {
    this.id = patch.id;
    this.base = storage.bases.subarray(index * ATTRIBUTE_COUNT, (index + 1) * ATTRIBUTE_COUNT);
    this.output = storage.outputs.subarray(index * ATTRIBUTE_COUNT, (index + 1) * ATTRIBUTE_COUNT);
    this.attributes = patch.kind === 'hue' ? (patch.colour ? HUE_COLOUR_ATTRIBUTES : HUE_WHITE_ATTRIBUTES) : profile!.attributes;
    this.plan = patch.kind === 'dmx' ? planSlots(patch.address, profile!) : [];
    this.setBase(baseLook);
    this.output.set(this.base);
    const size = FlashLimiter.STATE_SIZE;
    this.limiter = patch.flashLimitOptOut ? null : new FlashLimiter(this.attributes, storage.limiters.subarray(index * size, (index + 1) * size));
  }

  setBase(look: AttributeLevels): void {
    this.settled = false;
    for (let i = 0; i < ATTRIBUTE_COUNT; i++) this.base[i] = look[ATTRIBUTES[i]!] ?? DEFAULT_LEVELS[ATTRIBUTES[i]!];
  }
}

function planSlots(address: number, profile: FixtureProfile): SlotPlan[] {
  const fine = new Set(profile.channels.filter((c) => c.byte === 'fine').map((c) => c.attribute));
  return profile.channels.map((channel, offset): SlotPlan => {
    const slot = address - 1 + offset;
    if (channel.attribute === undefined) return { slot, fixed: channel.fixed ?? 0, attribute: 0, bits: 8, low: 0, high: 255, off: -1, scaledByIntensity: false };
    const sixteen = fine.has(channel.attribute);
    return {
      slot,
      fixed: -1,
      attribute: ATTR[channel.attribute],
      bits: !sixteen ? 8 : channel.byte === 'fine' ? -16 : 16,
      low: channel.range?.[0] ?? 0,
      high: channel.range?.[1] ?? 255,
      off: channel.off ?? -1,
      scaledByIntensity: profile.virtualDimmer && COLOURS.has(channel.attribute),
    };
  });
}
