import { ATTR } from '../../../../adapters/lights/attributes.ts';
import type { Attribute } from '../../../../adapters/lights/attributes.ts';

export interface LampLook {
  /** The emitted light as a CSS colour at full brightness (what the lens shows). */
  hex: string;
  /** Emitted light including intensity (what the room gets), for tests and titles. */
  emittedHex: string;
  /** 0..1: how bright the lamp glows. */
  brightness: number;
  intensity: number;
  pan: number;
  tilt: number;
}

const hex2 = (v: number) =>
  Math.round(Math.min(1, Math.max(0, v)) * 255)
    .toString(16)
    .padStart(2, '0');
const toHex = (r: number, g: number, b: number) => `#${hex2(r)}${hex2(g)}${hex2(b)}`;

/**
 * How a fixture looks from its output levels (0..255 per attribute) and what it can emit: white and
 * amber emitters add to the colour; a dimmer-only fixture glows warm white.
 */
export function lampLook(levels: readonly number[] | undefined, attributes: readonly Attribute[]): LampLook {
  const at = (a: Attribute) => (levels?.[ATTR[a]] ?? 0) / 255;
  const has = (a: Attribute) => attributes.includes(a);
  const intensity = at('intensity');
  let r: number;
  let g: number;
  let b: number;
  if (!has('red') && !has('green') && !has('blue') && !has('white') && !has('amber')) {
    [r, g, b] = [1, 0.86, 0.66];
  } else {
    const w = has('white') ? at('white') : 0;
    const a = has('amber') ? at('amber') : 0;
    r = (has('red') ? at('red') : 0) + w + a;
    g = (has('green') ? at('green') : 0) + w + 0.7 * a;
    b = (has('blue') ? at('blue') : 0) + w;
  }
  const peak = Math.max(r, g, b);
  const brightness = intensity * Math.min(1, peak);
  const scale = peak > 0 ? 1 / Math.max(1, peak) : 0;
  const [cr, cg, cb] = [r * scale, g * scale, b * scale];
  return {
    hex: peak > 0 ? toHex(cr / Math.max(cr, cg, cb), cg / Math.max(cr, cg, cb), cb / Math.max(cr, cg, cb)) : '#000000',
    emittedHex: toHex(cr * intensity, cg * intensity, cb * intensity),
    brightness,
    intensity,
    pan: at('pan'),
    tilt: at('tilt'),
  };
}
