/**
 * What an effect can ask of a fixture, each level normalised to 0..1 whatever the fixture's channel
 * layout (a profile maps attributes to DMX slots; the Hue renderer maps them to bri/xy).
 *
 * Intensity-like attributes merge HTP (highest takes precedence) between effects of the same priority;
 * the others (colour, position, strobe rate) merge LTP (latest fired takes precedence). A higher
 * priority always wins: see engine/mergeLayers.ts.
 */
export const ATTRIBUTES = ['intensity', 'red', 'green', 'blue', 'white', 'amber', 'pan', 'tilt', 'strobe'] as const;

export type Attribute = (typeof ATTRIBUTES)[number];

export const ATTRIBUTE_COUNT = ATTRIBUTES.length;

/** Index of each attribute in per-fixture level arrays (Float64Array(ATTRIBUTE_COUNT)). */
export const ATTR = Object.fromEntries(ATTRIBUTES.map((name, index) => [name, index])) as { readonly [K in Attribute]: number };

/** Intensity is the one HTP attribute: colour, position and strobe rate are LTP. */
export const HTP_ATTRIBUTES: ReadonlySet<Attribute> = new Set<Attribute>(['intensity']);

/** `true` at the index of every HTP attribute. */
export const IS_HTP: readonly boolean[] = ATTRIBUTES.map((name) => HTP_ATTRIBUTES.has(name));

/** Levels an effect, a scene or the base look sets; attributes left out are not touched. */
export type AttributeLevels = { [K in Attribute]?: number };

export function isAttribute(value: string): value is Attribute {
  return (ATTRIBUTES as readonly string[]).includes(value);
}

export const clamp01 = (value: number): number => (value > 1 ? 1 : value > 0 ? value : 0);
