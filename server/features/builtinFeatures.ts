import type { Feature } from './Feature.ts';
import { dmxFeature } from '../../adapters/dmx/dmxFeature.ts';
import { hueFeature } from '../../adapters/hue/hueFeature.ts';
import { obsFeature } from '../../adapters/obs/obsFeature.ts';
import { ingestFeature } from '../media/ingress/ingestFeature.ts';
import { mediaBridgeFeature } from '../media/bridge/mediaBridgeFeature.ts';
import { lightsFeature } from '../../adapters/lights/lightsFeature.ts';
import { pluginsFeature } from '../plugins/pluginsFeature.ts';
import { pipelinesFeature } from '../../pipelines/feature/pipelinesFeature.ts';
import { gesturesFeature } from '../gestures/gesturesFeature.ts';

/**
 * Built-in features in start order (a feature may `use` services of the ones before it). Each issue's
 * subsystem adds one line here.
 */
export const BUILTIN_FEATURES: readonly Feature[] = [
  dmxFeature, // first: provides 'dmx.outputs' to lights
  hueFeature, // provides 'hue.outputs' to lights
  obsFeature, // after dmx and hue, before lights
  ingestFeature, // mediasoup: provides 'media.ingress' to the media bridge
  mediaBridgeFeature, // GStreamer decoders and audio outputs: uses 'media.ingress', provides 'media.bridge'
  lightsFeature, // after dmx, hue and obs: reads 'dmx.outputs' and 'hue.outputs'; provides 'lights.effects', 'lights.engine', effect.* actions
  pluginsFeature, // after lights (plugin effects go into 'lights.effects'); plugin features start right after it
  pipelinesFeature, // after everything its sinks and sources use (actions, overlay, 'media.*')
  gesturesFeature, // gesture rules: after every feature that registers action types (effect.*, obs.*, plugins')
];
