/**
 * What `/api/hue/bridges...` answers: types only, so browser code (the Lights page) imports them too.
 * No field ever holds a bridge username.
 */

export type HueBridgeState =
  /** Trying to reach the bridge with a username. */
  | 'connecting'
  /** Reachable, but no username yet: pair it. */
  | 'unpaired'
  /** Reachable, but the bridge refuses our username. */
  | 'unauthorized'
  | 'connected'
  | 'unreachable'
  | 'stopped';

/** `GET /api/hue/bridges` (one per bridge) and `GET /api/hue/bridges/<id>`. */
export interface HueBridgeStatus {
  id: string;
  host: string;
  port: number;
  state: HueBridgeState;
  reason: string | undefined;
  /** Where the username comes from. */
  credentials: 'pairing' | 'config' | 'none';
  bridgeid: string | undefined;
  /** Pairing in progress: press the link button before this time (ISO). */
  pairingUntil: string | undefined;
  lights: number;
  groups: number;
  pendingLights: number;
  pendingGroups: number;
  limits: { lightCommandsPerSecond: number; groupCommandsPerSecond: number };
  problems: string[];
}

/** `POST /api/hue/bridges/<id>/pair` (with `status`). */
export interface PairResult {
  paired: true;
  bridgeid: string | undefined;
  lights: number;
  groups: number;
}

/** What a light can show, from its discovered state object and capabilities. */
export interface HueLightCapabilities {
  dimmable: boolean;
  colour: boolean;
  /** Colour temperature range in mireds, when the light has white tones. */
  ct: { min: number; max: number } | undefined;
}

/** `GET /api/hue/bridges/<id>/lights` -> `{ lights: DiscoveredLight[] }`. */
export interface DiscoveredLight {
  id: string;
  name: string;
  /** Hue's light type, e.g. "Extended color light", "Color temperature light", "Dimmable light". */
  type: string;
  modelid: string | undefined;
  productname: string | undefined;
  reachable: boolean;
  on: boolean;
  capabilities: HueLightCapabilities;
}

/** `GET /api/hue/bridges/<id>/groups` -> `{ groups: DiscoveredGroup[] }`, group 0 (all lights) first. */
export interface DiscoveredGroup {
  id: string;
  name: string;
  /** LightGroup (group 0: all lights), Room, Zone, Entertainment... */
  type: string;
  class: string | undefined;
  lights: string[];
}
