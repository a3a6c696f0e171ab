import { ATTR, type Attribute } from '../attributes.ts';

/**
 * The light signals the flash limiter watches, computed from a fixture's attribute levels and only from
 * the emitters it really has (so an effect setting `white` on an RGB fixture changes nothing here).
 *
 * - luminance: relative luminance of the emitted light (Rec. 709 weights, as WCAG), white emitters
 *   count fully and amber as 0.75; 0..1 (capped) relative to the fixture at full.
 * - level: the brightest emitter. Stricter than WCAG on purpose: a fixture blinking saturated blue at
 *   full power is a large swing of light in a room although its screen luminance would be small.
 * - red: how much saturated red the light is (WCAG's "red flash"): R - G - B - W when red is at least
 *   80 % of the emitted light, else 0.
 */
export interface FlashSignals {
  luminance: number;
  level: number;
  red: number;
}

export interface EmitterMask {
  intensityOnly: boolean;
  red: boolean;
  green: boolean;
  blue: boolean;
  white: boolean;
  amber: boolean;
}

export function emitterMask(attributes: ReadonlySet<Attribute>): EmitterMask {
  const red = attributes.has('red');
  const green = attributes.has('green');
  const blue = attributes.has('blue');
  const white = attributes.has('white');
  const amber = attributes.has('amber');
  return { red, green, blue, white, amber, intensityOnly: !(red || green || blue || white || amber) };
}

/** WCAG 2.3.1: a flash is a pair of opposing luminance changes of >= 10 % of the maximum. */
export const LUMINANCE_THRESHOLD = 0.1;
/** ... where the darker state is below 0.80 relative luminance. */
export const LUMINANCE_DARK_LIMIT = 0.8;
/** WCAG red flash: a change of (R - G - B) x 320 > 20, i.e. 20/320 on a 0..1 scale. */
export const RED_THRESHOLD = 20 / 320;
/** Saturated red: red is at least 80 % of the light. */
export const RED_SATURATION = 0.8;

export function flashSignals(levels: ArrayLike<number>, mask: EmitterMask, out: FlashSignals): FlashSignals {
  const intensity = levels[ATTR.intensity]!;
  if (mask.intensityOnly) {
    out.luminance = intensity;
    out.level = intensity;
    out.red = 0;
    return out;
  }
  const r = mask.red ? intensity * levels[ATTR.red]! : 0;
  const g = mask.green ? intensity * levels[ATTR.green]! : 0;
  const b = mask.blue ? intensity * levels[ATTR.blue]! : 0;
  const w = mask.white ? intensity * levels[ATTR.white]! : 0;
  const a = mask.amber ? intensity * levels[ATTR.amber]! : 0;
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b + w + 0.75 * a;
  out.luminance = luminance > 1 ? 1 : luminance;
  out.level = Math.max(r, g, b, w, a);
  const total = r + g + b + w + a;
  out.red = total > 0 && r >= RED_SATURATION * total ? Math.max(0, r - g - b - w) : 0;
  return out;
}
