import { z } from 'zod';

/** A colour as fixture levels (0..1 per emitter). White and amber are 0 unless a colour names them. */
export interface Rgb {
  red: number;
  green: number;
  blue: number;
}

/** Names accepted wherever a colour is (config, API, rules), besides `#rgb` / `#rrggbb`. */
export const NAMED_COLOURS: Readonly<Record<string, string>> = {
  red: '#ff0000',
  orange: '#ff6a00',
  amber: '#ffb000',
  yellow: '#ffe000',
  lime: '#80ff00',
  green: '#00ff00',
  cyan: '#00ffff',
  blue: '#0000ff',
  purple: '#8000ff',
  magenta: '#ff00ff',
  pink: '#ff3c8c',
  white: '#ffffff',
  'warm-white': '#ffc88c',
  gold: '#ffc400',
};

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

export function parseHex(hex: string): Rgb {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1);
  const value = Number.parseInt(digits, 16);
  return { red: ((value >> 16) & 255) / 255, green: ((value >> 8) & 255) / 255, blue: (value & 255) / 255 };
}

/** `#ff0000`, `#f00` or a name from NAMED_COLOURS (case-insensitive); becomes 0..1 levels. */
export const ColourSchema = z
  .string()
  .trim()
  .refine((value) => HEX.test(value) || Object.hasOwn(NAMED_COLOURS, value.toLowerCase()), {
    message: `must be "#rrggbb", "#rgb" or one of ${Object.keys(NAMED_COLOURS).join(', ')}`,
  })
  .transform((value) => parseHex(HEX.test(value) ? value : NAMED_COLOURS[value.toLowerCase()]!))
  .meta({ format: 'colour' });

export type ColourInput = z.input<typeof ColourSchema>;

export function rgbToHex({ red, green, blue }: Rgb): string {
  const byte = (v: number) =>
    Math.round(Math.min(1, Math.max(0, v)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${byte(red)}${byte(green)}${byte(blue)}`;
}

/** Hue (0..1 around the wheel) at a saturation and value, written into `out` (hot paths reuse one). */
export function hueToRgb(hue: number, saturation = 1, value = 1, out: Rgb = { red: 0, green: 0, blue: 0 }): Rgb {
  const h = ((hue % 1) + 1) % 1;
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = value * (1 - saturation);
  const q = value * (1 - f * saturation);
  const t = value * (1 - (1 - f) * saturation);
  switch (i % 6) {
    case 0:
      out.red = value;
      out.green = t;
      out.blue = p;
      break;
    case 1:
      out.red = q;
      out.green = value;
      out.blue = p;
      break;
    case 2:
      out.red = p;
      out.green = value;
      out.blue = t;
      break;
    case 3:
      out.red = p;
      out.green = q;
      out.blue = value;
      break;
    case 4:
      out.red = t;
      out.green = p;
      out.blue = value;
      break;
    default:
      out.red = value;
      out.green = p;
      out.blue = q;
  }
  return out;
}

const toLinear = (c: number) => (c > 0.04045 ? ((c + 0.055) / 1.055) ** 2.4 : c / 12.92);

/**
 * CIE 1931 xy of an sRGB colour, as Philips recommends for Hue (wide-gamut D65 matrix). Black has no
 * chromaticity: it returns the white point.
 */
export function rgbToXy({ red, green, blue }: Rgb): [number, number] {
  const r = toLinear(red);
  const g = toLinear(green);
  const b = toLinear(blue);
  const X = r * 0.664511 + g * 0.154324 + b * 0.162028;
  const Y = r * 0.283881 + g * 0.668433 + b * 0.047685;
  const Z = r * 0.000088 + g * 0.07231 + b * 0.986039;
  const sum = X + Y + Z;
  if (sum <= 0) return [0.3227, 0.329];
  return [Math.round((X / sum) * 10_000) / 10_000, Math.round((Y / sum) * 10_000) / 10_000];
}
