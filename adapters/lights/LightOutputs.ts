/**
 * The contract between the lights engine (effects, safety limiter, patch) and the adapters that put
 * light on real fixtures. The engine renders every fixture at its refresh rate and hands the result to
 * these outputs; the outputs own the wire (protocol timing, coalescing, rate limits, reconnects).
 */

/** A DMX transmitter (Art-Net node, sACN source, Enttec USB DMX Pro) for one or more universes. */
export interface DmxOutput {
  /** Adapter instance id from config, e.g. `artnet-main`. */
  readonly id: string;
  /** Roomcast universe numbers (1-based) this output transmits. */
  readonly universes: readonly number[];
  /**
   * The latest complete frame for `universe`: `slots[0]` is DMX slot 1, length 512. Called at the
   * engine's refresh rate (<= 44 Hz) with a fresh buffer each time; the output decides what goes on the
   * wire (send on change plus the protocol's keep-alive) and never blocks the caller.
   */
  setFrame(universe: number, slots: Uint8Array): void;
}

/** A wanted Hue light state. The engine says what it wants; the output decides when it is sent. */
export interface HueState {
  on: boolean;
  /** 1..254 */
  bri: number;
  /** CIE 1931 xy colour; omitted for white-only lights. */
  xy?: [number, number] | undefined;
  /** Colour temperature in mireds, 153..500 (used when xy is absent). */
  ct?: number | undefined;
  /** Fade time; Hue rounds it to 100 ms steps. */
  transitionMs: number;
}

/** One Hue bridge. Implementations coalesce per light (latest wanted state wins) and never exceed the bridge's limits. */
export interface HueOutput {
  readonly id: string;
  setLight(lightId: string, state: HueState): void;
  setGroup(groupId: string, state: HueState): void;
}

// The DMX adapter feature provides 'dmx.outputs', the Hue adapter 'hue.outputs'; the lights feature
// (started after them) reads both with ctx.optional(): no hardware configured is a normal state.
declare module '../../server/features/FeatureServices.ts' {
  interface FeatureServices {
    'dmx.outputs': readonly DmxOutput[];
    'hue.outputs': readonly HueOutput[];
  }
}
