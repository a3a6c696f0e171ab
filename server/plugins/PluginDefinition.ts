import type { AnyStageDefinition } from '../../pipelines/Stage.ts';
import type { Feature } from '../features/Feature.ts';
import type { ActionType } from '../actions/Action.ts';
import type { EffectDefinition } from '../../adapters/lights/effects/Effect.ts';

/**
 * What a plugin module exports (`export default definePlugin({...})`). Every part uses exactly the
 * contract the built-ins use: stages are StageDefinitions, features are Features (a config section and
 * a start function: adapters are features), actions are ActionTypes, effects are EffectDefinitions.
 */
export interface PluginDefinition {
  /** Unique among loaded plugins; names its stages in errors (`plugin "example"`). */
  name: string;
  version?: string;
  description?: string;
  /** Stage types pipelines may use (`type` prefixed with the plugin name by convention: `example.motion`). */
  stages?: readonly AnyStageDefinition[];
  /** Features start after the built-ins; each adds its own roomcast.yaml section. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  features?: readonly Feature<any>[];
  /** Action types rules and pipeline sinks may use (`example.webhook`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  actions?: readonly ActionType<any>[];
  /** Light effects, registered into the lights engine's EffectRegistry. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  effects?: readonly EffectDefinition<any>[];
}

/** Identity helper that checks the definition's types (`export default definePlugin({...})`). */
export function definePlugin<P extends PluginDefinition>(plugin: P): P {
  return plugin;
}
