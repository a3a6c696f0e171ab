import { miredToXy, xyToMired } from './hueColour.ts';
import type { HueLightCapabilities } from './hueApiTypes.ts';
import type { NormalizedHueState } from './normalizeHueState.ts';

/** The body of `PUT /lights/<id>/state` or `PUT /groups/<id>/action`, as sent. */
export interface HueLightCommand {
  on: boolean;
  bri?: number;
  xy?: [number, number];
  ct?: number;
  transitiontime: number;
}


/** For lights not (yet) discovered and for groups: send everything, the bridge takes what it can. */
export const EVERY_CAPABILITY: HueLightCapabilities = { dimmable: true, colour: true, ct: { min: 153, max: 500 } };

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

/**
 * The command that shows `state` on one light, holding only parameters the light has (a bridge answers
 * "parameter, xy, not available" otherwise). A light that is off gets only `on: false`: any other
 * parameter would be refused with "Device is set to off".
 */
export function lightCommandFor(state: NormalizedHueState, caps: HueLightCapabilities): HueLightCommand {
  if (!state.on) return { on: false, transitiontime: state.transitiontime };
  const command: HueLightCommand = { on: true, transitiontime: state.transitiontime };
  if (caps.dimmable) command.bri = state.bri;
  if (caps.colour && state.xy) command.xy = state.xy;
  else if (caps.colour && !caps.ct && state.ct !== undefined) command.xy = miredToXy(state.ct);
  else if (caps.ct) {
    const mired = state.ct ?? (state.xy ? xyToMired(state.xy) : undefined);
    if (mired !== undefined) command.ct = Math.round(clamp(mired, caps.ct.min, caps.ct.max));
  }
  return orderedForWire(command);
}

/**
 * A group command reaches lights of every kind in one broadcast: with a colour it also carries the
 * nearest white, which white-ambiance members show while colour lights take xy (xy wins over ct).
 */
export function groupCommandFor(state: NormalizedHueState): HueLightCommand {
  if (!state.on) return { on: false, transitiontime: state.transitiontime };
  const command: HueLightCommand = { on: true, bri: state.bri, transitiontime: state.transitiontime };
  if (state.xy) {
    command.xy = state.xy;
    command.ct = Math.round(clamp(xyToMired(state.xy), 153, 500));
  } else if (state.ct !== undefined) command.ct = state.ct;
  return orderedForWire(command);
}

/** Same light output, whatever the fade time: resending it would change nothing. */
export function sameLook(a: HueLightCommand | undefined, b: HueLightCommand | undefined): boolean {
  if (!a || !b) return false;
  return a.on === b.on && a.bri === b.bri && a.ct === b.ct && a.xy?.[0] === b.xy?.[0] && a.xy?.[1] === b.xy?.[1];
}

/** Keys in the order people read them in logs and captures: on, bri, xy, ct, transitiontime. */
function orderedForWire(c: HueLightCommand): HueLightCommand {
  const out: HueLightCommand = { on: c.on } as HueLightCommand;
  if (c.bri !== undefined) out.bri = c.bri;
  if (c.xy !== undefined) out.xy = c.xy;
  if (c.ct !== undefined) out.ct = c.ct;
  out.transitiontime = c.transitiontime;
  return out;
}
