import type { Attribute } from '../../adapters/lights/attributes.ts';

/**
 * Socket.io namespace for live light state (the control UI's virtual fixtures). Any token may watch;
 * firing and stopping effects need the operator role (also over this socket).
 */
export const LIGHTS_NAMESPACE = '/lights';

/** A patched fixture as the UI draws it. */
export interface LightsFixtureView {
  id: string;
  name: string;
  kind: 'dmx' | 'hue';
  groups: string[];
  /** What it can show, in ATTRIBUTES order. */
  attributes: Attribute[];
  profile?: { id: string; name: string; shape: 'par' | 'dimmer' | 'bar' | 'moving-head'; footprint: number } | undefined;
  universe?: number | undefined;
  address?: number | undefined;
  bridge?: string | undefined;
  light?: string | undefined;
  /** The flash limiter is off for this fixture; the reason from the patch. */
  flashLimitOptOut?: string | undefined;
}

/** One fixture's output: 0..255 per attribute in ATTRIBUTES order, and whether the flash limiter damped it. */
export interface LightsFixtureLevels {
  levels: number[];
  limited: boolean;
}

export interface LightsFiringView {
  id: string;
  effect: string;
  params: unknown;
  priority: number;
  layer: string | null;
  fixtures: string[];
  startedAt: number;
  durationMs: number | null;
  fadeInMs: number;
  fadeOutMs: number;
  state: 'running' | 'releasing';
  source: string;
  description: string;
}

export interface LightsEffectView {
  id: string;
  description: string;
  defaultDurationMs: number | null;
  defaultPriority: number;
  paramsJsonSchema: unknown;
}

export interface LightsSnapshot {
  fixtures: LightsFixtureView[];
  levels: Record<string, LightsFixtureLevels>;
  firings: LightsFiringView[];
  effects: LightsEffectView[];
  groups: string[];
  scenes: string[];
  patch: { source: 'saved' | 'config' | 'demo'; savedAt: number | null; savedPatchProblem: string | null };
  outputs: { dmx: Array<{ id: string; universes: number[] }>; hue: Array<{ id: string }> };
  refreshHz: number;
}

/** Fixtures whose output changed since the last frame sent to this client. */
export interface LightsFrame {
  at: number;
  levels: Record<string, LightsFixtureLevels>;
}

export type LightsAck<T> = { ok: true; result: T } | { ok: false; error: string; issues?: Array<{ path: string; message: string }> };

export interface LightsServerToClientEvents {
  /** Everything, on connect and whenever the patch, effects or outputs change. */
  'lights:snapshot': (snapshot: LightsSnapshot) => void;
  'lights:frame': (frame: LightsFrame) => void;
  /** Running effects after every start/stop/end. */
  'lights:firings': (firings: LightsFiringView[]) => void;
}

export interface LightsClientToServerEvents {
  'lights:fire': (request: unknown, ack: (result: LightsAck<LightsFiringView>) => void) => void;
  'lights:stop': (request: unknown, ack: (result: LightsAck<LightsFiringView[]>) => void) => void;
  'lights:snapshot': (ack: (snapshot: LightsSnapshot) => void) => void;
}
