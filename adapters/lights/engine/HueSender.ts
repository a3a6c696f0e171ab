import { ATTR } from '../attributes.ts';
import { rgbToXy } from '../colour.ts';
import type { HueOutput, HueState } from '../LightOutputs.ts';
import type { PatchedFixture } from './PatchedFixture.ts';

/** Hue rounds transitions to 100 ms; sending a light more often than that only fills the bridge's queue. */
export const HUE_MIN_INTERVAL_MS = 100;
const WARM_WHITE_MIREDS = 366;

/** The Hue state for a fixture's output levels. */
export function hueStateOf(fixture: PatchedFixture, transitionMs = HUE_MIN_INTERVAL_MS): HueState {
  const out = fixture.output;
  const intensity = out[ATTR.intensity]!;
  const colour = fixture.patch.kind === 'hue' && fixture.patch.colour;
  if (!colour) {
    const bri = Math.round(1 + 253 * intensity);
    return { on: intensity > 0.002, bri, ct: WARM_WHITE_MIREDS, transitionMs };
  }
  const red = out[ATTR.red]!;
  const green = out[ATTR.green]!;
  const blue = out[ATTR.blue]!;
  const value = intensity * Math.max(red, green, blue);
  const peak = Math.max(red, green, blue, 1e-9);
  return {
    on: value > 0.002,
    bri: Math.round(1 + 253 * value),
    xy: rgbToXy({ red: red / peak, green: green / peak, blue: blue / peak }),
    transitionMs,
  };
}

function same(a: HueState, b: HueState): boolean {
  if (a.on !== b.on) return false;
  if (!a.on) return true;
  if (Math.abs(a.bri - b.bri) >= 1) return false;
  if (a.ct !== b.ct) return false;
  if (!a.xy || !b.xy) return a.xy === b.xy;
  return Math.abs(a.xy[0] - b.xy[0]) < 0.002 && Math.abs(a.xy[1] - b.xy[1]) < 0.002;
}

/**
 * Hands Hue fixtures' states to their bridge's HueOutput: only on change and at most every 100 ms per
 * light (the output coalesces further and keeps the bridge's limits); the latest state always goes out.
 */
export class HueSender {
  readonly #sent = new Map<string, { state: HueState; at: number }>();

  update(fixture: PatchedFixture, outputs: readonly HueOutput[], now: number, onMissingBridge: (bridge: string) => void): void {
    if (fixture.patch.kind !== 'hue') return;
    const key = fixture.id;
    const last = this.#sent.get(key);
    if (last && now - last.at < HUE_MIN_INTERVAL_MS) return;
    const state = hueStateOf(fixture);
    if (last && same(last.state, state)) return;
    const output = outputs.find((o) => o.id === (fixture.patch as { bridge: string }).bridge);
    if (!output) {
      onMissingBridge(fixture.patch.bridge);
      return;
    }
    output.setLight(fixture.patch.light, state);
    this.#sent.set(key, { state, at: now });
  }

  /** Forget what was sent (a fixture removed or re-patched to another light). */
  forget(fixtureId: string): void {
    this.#sent.delete(fixtureId);
  }
}
