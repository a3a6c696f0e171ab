import type { PatchFixtureInput } from '../../../hardware/patch/PatchSchema.ts';
import type { LookInput } from '../looks.ts';

/**
 * A small virtual rig for `npm start` on a machine with no lights: four pars, two RGBW washes, a
 * moving head, an RGBA bar and a house dimmer on universe 1. Used only while nothing is patched and no
 * DMX or Hue output exists (demoRig: auto), so it can never drive real hardware by surprise.
 */
export const DEMO_RIG: readonly PatchFixtureInput[] = [
  { id: 'par-1', name: 'Par 1', profile: 'rgb-par-7ch', universe: 1, address: 1, groups: ['pars', 'front'] },
  { id: 'par-2', name: 'Par 2', profile: 'rgb-par-7ch', universe: 1, address: 8, groups: ['pars', 'front'] },
  { id: 'par-3', name: 'Par 3', profile: 'rgb-par-7ch', universe: 1, address: 15, groups: ['pars', 'front'] },
  { id: 'par-4', name: 'Par 4', profile: 'rgb-par-7ch', universe: 1, address: 22, groups: ['pars', 'front'] },
  { id: 'wash-left', name: 'Wash left', profile: 'rgbw', universe: 1, address: 29, groups: ['wash'] },
  { id: 'wash-right', name: 'Wash right', profile: 'rgbw', universe: 1, address: 33, groups: ['wash'] },
  { id: 'spot', name: 'Moving head', profile: 'moving-head-11ch', universe: 1, address: 37, groups: ['movers'] },
  { id: 'bar', name: 'Backdrop bar', profile: 'rgba', universe: 1, address: 48, groups: ['backdrop'] },
  { id: 'house', name: 'House lights', profile: 'dimmer', universe: 1, address: 52, groups: ['house'] },
];

export const DEMO_BASE_LOOK: LookInput = {
  all: { intensity: 0.35, colour: '#ff9a4d' },
  groups: { wash: { intensity: 0.3, colour: '#5a6bff' }, movers: { pan: 0.5, tilt: 0.4 }, house: { intensity: 0.5 } },
};

export const DEMO_SCENES: Record<string, LookInput> = {
  warm: { all: { intensity: 0.6, colour: '#ffb070' } },
  cool: { all: { intensity: 0.55, colour: '#6fa8ff' }, groups: { house: { intensity: 0.2 } } },
  blackout: { all: { intensity: 0 } },
};
