import type { HueState } from '../lights/LightOutputs.ts';

/** A wanted state that cannot be sent at all (not a number, wrong type): a bug in whoever built it. */
export class HueStateError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'HueStateError';
  }
}

/** A wanted state in the bridge's own units, every value in range. */
export interface NormalizedHueState {
  on: boolean;
  /** 1..254 */
  bri: number;
  /** Each coordinate 0..1, 4 decimals (what a bridge keeps). */
  xy: [number, number] | undefined;
  /** 153..500 mireds. */
  ct: number | undefined;
  /** 100 ms units, 0..65535. */
  transitiontime: number;
}

export interface NormalizeResult {
  state: NormalizedHueState;
  /** Fields that were out of range and clamped, e.g. `bri 300 -> 254`. */
  clamped: string[];
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

/**
 * Check a state from the lights engine before it is queued. Out-of-range numbers are clamped (and
 * reported, so the caller can warn once): a colour slightly outside [0, 1] should still light the room.
 * Values that are not numbers at all throw a HueStateError naming `where`, the field and the value.
 */
export function normalizeHueState(input: HueState, where: string): NormalizeResult {
  const clamped: string[] = [];
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new HueStateError(`${where}: ${field} must be ${expected}, got ${describe(value)}`);
  };
  const finite = (field: string, value: unknown, expected: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, expected, value);
    return value as number;
  };
  const ranged = (field: string, value: number, min: number, max: number, round: (v: number) => number): number => {
    const out = round(clamp(value, min, max));
    if (value < min || value > max) clamped.push(`${field} ${value} -> ${out}`);
    return out;
  };

  if (input === null || typeof input !== 'object') fail('the state', 'an object { on, bri, xy?, ct?, transitionMs }', input);
  if (typeof input.on !== 'boolean') fail('on', 'true or false', input.on);
  const bri = ranged('bri', finite('bri', input.bri, 'a number 1..254'), 1, 254, Math.round);

  let xy: [number, number] | undefined;
  if (input.xy !== undefined) {
    if (!Array.isArray(input.xy) || input.xy.length !== 2) fail('xy', 'a pair [x, y] of numbers 0..1', input.xy);
    const round4 = (v: number) => Math.round(v * 10_000) / 10_000;
    xy = [
      ranged('xy[0]', finite('xy[0]', input.xy![0], 'a number 0..1'), 0, 1, round4),
      ranged('xy[1]', finite('xy[1]', input.xy![1], 'a number 0..1'), 0, 1, round4),
    ];
  }
  const ct = input.ct === undefined ? undefined : ranged('ct', finite('ct', input.ct, 'a number of mireds 153..500'), 153, 500, Math.round);
  // Hue counts transitions in 100 ms steps; 0 is a hard cut.
  const transitiontime = ranged('transitionMs', finite('transitionMs', input.transitionMs, 'a number of milliseconds >= 0'), 0, 6_553_500, (v) => Math.round(v / 100));
  return { state: { on: input.on, bri, xy, ct, transitiontime }, clamped };
}

function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
