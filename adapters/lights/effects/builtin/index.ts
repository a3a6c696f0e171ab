import type { EffectDefinition } from '../Effect.ts';
import { chaseEffect } from './chase.ts';
import { eventColourEffect } from './eventColour.ts';
import { fadeEffect } from './fade.ts';
import { flashEffect } from './flash.ts';
import { pulseEffect } from './pulse.ts';
import { rainbowEffect } from './rainbow.ts';
import { sceneRecallEffect } from './sceneRecall.ts';
import { solidEffect } from './solid.ts';
import { strobeEffect } from './strobe.ts';

/** Registered at start, in the order the UI lists them. */
export const BUILTIN_EFFECTS: readonly EffectDefinition[] = [
  solidEffect,
  fadeEffect,
  flashEffect,
  strobeEffect,
  pulseEffect,
  chaseEffect,
  rainbowEffect,
  eventColourEffect,
  sceneRecallEffect,
] as EffectDefinition[];
