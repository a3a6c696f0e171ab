/**
 * The lights an emulated bridge owns: the real product archetypes (what `GET /lights/<id>` shows for
 * them), and how a state write is validated and applied, parameter by parameter, the way a bridge does.
 */
import { hueErrors, type HueErrorBody, type HueResponseEntry } from './hueErrors.ts';

export type EmulatedLightKind = 'color' | 'ambiance' | 'dimmable' | 'color-only' | 'plug';

interface Archetype {
  type: string;
  modelid: string;
  productname: string;
  archetype: string;
  /** What the light's state object carries (and so which parameters it accepts). */
  bri: boolean;
  xy: boolean;
  ct: { min: number; max: number } | undefined;
  gamut?: { type: 'A' | 'B' | 'C'; points: [number, number][] };
}

const GAMUT_A: [number, number][] = [
  [0.704, 0.296],
  [0.2151, 0.7106],
  [0.138, 0.08],
];
const GAMUT_C: [number, number][] = [
  [0.6915, 0.3083],
  [0.17, 0.7],
  [0.1532, 0.0475],
];

const ARCHETYPES: Record<EmulatedLightKind, Archetype> = {
  color: {
    type: 'Extended color light',
    modelid: 'LCT015',
    productname: 'Hue color lamp',
    archetype: 'sultanbulb',
    bri: true,
    xy: true,
    ct: { min: 153, max: 500 },
    gamut: { type: 'C', points: GAMUT_C },
  },
  ambiance: {
    type: 'Color temperature light',
    modelid: 'LTW010',
    productname: 'Hue ambiance lamp',
    archetype: 'sultanbulb',
    bri: true,
    xy: false,
    ct: { min: 153, max: 454 },
  },
  dimmable: { type: 'Dimmable light', modelid: 'LWB010', productname: 'Hue white lamp', archetype: 'classicbulb', bri: true, xy: false, ct: undefined },
  'color-only': {
    type: 'Color light',
    modelid: 'LST001',
    productname: 'Hue lightstrip',
    archetype: 'huelightstrip',
    bri: true,
    xy: true,
    ct: undefined,
    gamut: { type: 'A', points: GAMUT_A },
  },
  plug: { type: 'On/Off plug-in unit', modelid: 'LOM001', productname: 'Hue Smart plug', archetype: 'plug', bri: false, xy: false, ct: undefined },
};

export interface EmulatedLightState {
  on: boolean;
  bri?: number;
  hue?: number;
  sat?: number;
  effect?: 'none' | 'colorloop';
  xy?: [number, number];
  ct?: number;
  alert: 'none' | 'select' | 'lselect';
  colormode?: 'xy' | 'ct' | 'hs';
  mode: 'homeautomation';
  reachable: boolean;
}

export interface EmulatedLight {
  id: string;
  kind: EmulatedLightKind;
  name: string;
  uniqueid: string;
  state: EmulatedLightState;
}

export function createLight(id: string, kind: EmulatedLightKind, name?: string): EmulatedLight {
  const a = ARCHETYPES[kind];
  const state: EmulatedLightState = { on: false, alert: 'none', mode: 'homeautomation', reachable: true };
  if (a.bri) state.bri = 254;
  if (a.xy) Object.assign(state, { hue: 8417, sat: 140, effect: 'none', xy: [0.4573, 0.41] });
  if (a.ct) state.ct = 366;
  if (a.xy || a.ct) state.colormode = a.ct ? 'ct' : 'xy';
  const hex = Number(id).toString(16).padStart(2, '0');
  return { id, kind, name: name ?? `${a.productname} ${id}`, uniqueid: `00:17:88:01:00:aa:bb:${hex}-0b`, state };
}

/** The light resource exactly as `GET /api/<user>/lights/<id>` returns it. */
export function lightResource(light: EmulatedLight): Record<string, unknown> {
  const a = ARCHETYPES[light.kind];
  const control: Record<string, unknown> = {};
  if (a.bri) Object.assign(control, { mindimlevel: 1000, maxlumen: 806 });
  if (a.gamut) Object.assign(control, { colorgamuttype: a.gamut.type, colorgamut: a.gamut.points });
  if (a.ct) control['ct'] = a.ct;
  return {
    state: { ...light.state, ...(light.state.xy ? { xy: [...light.state.xy] } : {}) },
    swupdate: { state: 'noupdates', lastinstall: '2024-03-01T10:00:00' },
    type: a.type,
    name: light.name,
    modelid: a.modelid,
    manufacturername: 'Signify Netherlands B.V.',
    productname: a.productname,
    capabilities: { certified: true, control, streaming: { renderer: a.xy, proxy: a.xy } },
    config: { archetype: a.archetype, function: a.xy ? 'mixed' : 'functional', direction: 'omnidirectional', startup: { mode: 'safety', configured: true } },
    uniqueid: light.uniqueid,
    swversion: '1.104.2',
    swconfigid: '7F5F1D3B',
    productid: `Philips-${a.modelid}-1-A19v1`,
  };
}

/** Parameters a state write may carry, and whether this light has them. */
function supports(light: EmulatedLight, parameter: string): boolean {
  const a = ARCHETYPES[light.kind];
  switch (parameter) {
    case 'on':
    case 'alert':
    case 'transitiontime':
      return true;
    case 'bri':
    case 'bri_inc':
      return a.bri;
    case 'xy':
    case 'xy_inc':
    case 'hue':
    case 'hue_inc':
    case 'sat':
    case 'sat_inc':
    case 'effect':
      return a.xy;
    case 'ct':
    case 'ct_inc':
      return a.ct !== undefined;
    default:
      return false;
  }
}

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isXy = (v: unknown, min: number, max: number): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max);
const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** Parameters that need the light on: writing them to a light that stays off is error 201. */
const NEEDS_ON = new Set(['bri', 'bri_inc', 'xy', 'xy_inc', 'hue', 'hue_inc', 'sat', 'sat_inc', 'ct', 'ct_inc', 'effect']);

/** Known parameters and their value checks (the bridge answers type 7 when one fails). */
const VALID: Record<string, (v: unknown) => boolean> = {
  on: (v) => typeof v === 'boolean',
  bri: (v) => isInt(v, 1, 254),
  hue: (v) => isInt(v, 0, 65535),
  sat: (v) => isInt(v, 0, 254),
  xy: (v) => isXy(v, 0, 1),
  ct: (v) => isInt(v, 153, 500),
  alert: (v) => v === 'none' || v === 'select' || v === 'lselect',
  effect: (v) => v === 'none' || v === 'colorloop',
  transitiontime: (v) => isInt(v, 0, 65535),
  bri_inc: (v) => isInt(v, -254, 254),
  sat_inc: (v) => isInt(v, -254, 254),
  hue_inc: (v) => isInt(v, -65534, 65534),
  ct_inc: (v) => isInt(v, -65534, 65534),
  xy_inc: (v) => isXy(v, -0.5, 0.5),
};

export interface StateWriteResult {
  entries: HueResponseEntry[];
  errors: HueErrorBody[];
  /** Parameters that changed the light (for the command log). */
  applied: Record<string, unknown>;
}

/**
 * Validate and apply a `PUT /lights/<id>/state` body, answering per parameter like a bridge: success
 * entries echo what was set; unknown or unsupported parameters are type 6, bad values type 7, and
 * anything but on/alert/transitiontime on a light that stays off is type 201.
 */
export function writeLightState(light: EmulatedLight, body: Record<string, unknown>, options: { apply: boolean }): StateWriteResult {
  const base = `/lights/${light.id}/state`;
  const entries: HueResponseEntry[] = [];
  const errors: HueErrorBody[] = [];
  const applied: Record<string, unknown> = {};
  const fail = (e: HueErrorBody) => {
    errors.push(e);
    entries.push({ error: e });
  };
  const willBeOn = typeof body['on'] === 'boolean' ? body['on'] : light.state.on;
  const s = light.state;
  const ctRange = ARCHETYPES[light.kind].ct;
  for (const [parameter, value] of Object.entries(body)) {
    const address = `${base}/${parameter}`;
    const check = VALID[parameter];
    if (!check || !supports(light, parameter)) {
      fail(hueErrors.parameterNotAvailable(parameter, address));
      continue;
    }
    if (!check(value)) {
      fail(hueErrors.invalidValue(value, parameter, address));
      continue;
    }
    if (NEEDS_ON.has(parameter) && !willBeOn) {
      fail(hueErrors.deviceIsOff(parameter, address));
      continue;
    }
    entries.push({ success: { [address]: value } });
    applied[parameter] = value;
    if (!options.apply) continue;
    switch (parameter) {
      case 'on':
        s.on = value as boolean;
        break;
      case 'bri':
        s.bri = value as number;
        break;
      case 'bri_inc':
        s.bri = clamp((s.bri ?? 254) + (value as number), 1, 254);
        break;
      case 'xy':
        s.xy = [round4((value as number[])[0]!), round4((value as number[])[1]!)];
        s.colormode = 'xy';
        break;
      case 'xy_inc': {
        const [dx, dy] = value as [number, number];
        s.xy = [round4(clamp((s.xy?.[0] ?? 0) + dx, 0, 1)), round4(clamp((s.xy?.[1] ?? 0) + dy, 0, 1))];
        s.colormode = 'xy';
        break;
      }
      case 'ct':
        // A bridge accepts any ct in 153..500 and clips it to what this light can do.
        s.ct = clamp(value as number, ctRange!.min, ctRange!.max);
        s.colormode = 'ct';
        break;
      case 'ct_inc':
        s.ct = clamp((s.ct ?? 366) + (value as number), ctRange!.min, ctRange!.max);
        s.colormode = 'ct';
        break;
      case 'hue':
        s.hue = value as number;
        s.colormode = 'hs';
        break;
      case 'hue_inc':
        s.hue = ((((s.hue ?? 0) + (value as number)) % 65536) + 65536) % 65536;
        s.colormode = 'hs';
        break;
      case 'sat':
        s.sat = value as number;
        s.colormode = 'hs';
        break;
      case 'sat_inc':
        s.sat = clamp((s.sat ?? 0) + (value as number), 0, 254);
        s.colormode = 'hs';
        break;
      case 'effect':
        s.effect = value as 'none' | 'colorloop';
        break;
      case 'alert':
        s.alert = value as EmulatedLightState['alert'];
        break;
      default:
        break; // transitiontime: the emulator changes state at once
    }
  }
  if (entries.length === 0) fail(hueErrors.missingParameters(base));
  return { entries, errors, applied };
}

export interface GroupWriteResult {
  entries: HueResponseEntry[];
  errors: HueErrorBody[];
  applied: Record<string, unknown>;
}

/**
 * A group action: validated once (type 6/7 at `/groups/<id>/action/<param>`), then sent to every member
 * as one broadcast. Each light takes what it supports: colour lights prefer xy over ct over hue/sat (the
 * bridge's documented priority), white-ambiance lights take ct, lights that stay off ignore the rest.
 */
export function writeGroupAction(groupId: string, members: readonly EmulatedLight[], body: Record<string, unknown>, options: { apply: boolean }): GroupWriteResult {
  const base = `/groups/${groupId}/action`;
  const entries: HueResponseEntry[] = [];
  const errors: HueErrorBody[] = [];
  const applied: Record<string, unknown> = {};
  for (const [parameter, value] of Object.entries(body)) {
    const address = `${base}/${parameter}`;
    const check = VALID[parameter];
    if (!check) {
      const e = hueErrors.parameterNotAvailable(parameter, address);
      errors.push(e);
      entries.push({ error: e });
    } else if (!check(value)) {
      const e = hueErrors.invalidValue(value, parameter, address);
      errors.push(e);
      entries.push({ error: e });
    } else {
      entries.push({ success: { [address]: value } });
      applied[parameter] = value;
    }
  }
  if (entries.length === 0) {
    const e = hueErrors.missingParameters(base);
    errors.push(e);
    entries.push({ error: e });
  }
  if (options.apply) {
    for (const light of members) {
      const own: Record<string, unknown> = {};
      for (const [parameter, value] of Object.entries(applied)) {
        if (supports(light, parameter)) own[parameter] = value;
      }
      if ('xy' in own) {
        delete own['ct'];
        delete own['hue'];
        delete own['sat'];
      } else if ('ct' in own) {
        delete own['hue'];
        delete own['sat'];
      }
      const on = typeof own['on'] === 'boolean' ? own['on'] : light.state.on;
      if (!on) for (const parameter of NEEDS_ON) delete own[parameter];
      if (Object.keys(own).length) writeLightState(light, own, { apply: true });
    }
  }
  return { entries, errors, applied };
}

/** What a `GET /groups/<id>` shows as the group's `action` and `state`. */
export function groupState(members: readonly EmulatedLight[]): { all_on: boolean; any_on: boolean } {
  const on = members.filter((l) => l.state.on).length;
  return { all_on: members.length > 0 && on === members.length, any_on: on > 0 };
}

export function lightKindOf(light: EmulatedLight): { bri: boolean; xy: boolean; ct: { min: number; max: number } | undefined } {
  const a = ARCHETYPES[light.kind];
  return { bri: a.bri, xy: a.xy, ct: a.ct };
}
