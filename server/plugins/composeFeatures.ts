import type { Feature } from '../features/Feature.ts';
import { BaseConfigSchema } from '../config/schema.ts';
import { StageCatalog } from '../../pipelines/StageCatalog.ts';
import { BUILTIN_STAGES } from '../../pipelines/stages/builtinStages.ts';
import { createPipelinesFeature } from '../../pipelines/feature/pipelinesFeature.ts';
import type { ConfigSource } from '../../pipelines/feature/ConfigSource.ts';
import type { PluginSet } from './PluginSet.ts';
import { createPluginsFeature } from './pluginsFeature.ts';

/**
 * The features to run with these plugins: the built-ins in their order, where
 * - `plugins` becomes the loaded set, immediately followed by the plugins' own features;
 * - `pipelines` gets a stage catalog with the plugins' stages and the config source to reload from.
 * Throws naming the plugin when its stage types or feature names clash with what exists.
 */
export function composeFeatures(builtins: readonly Feature[], plugins: PluginSet, configSource: ConfigSource | undefined): Feature[] {
  let catalog = new StageCatalog(BUILTIN_STAGES);
  for (const plugin of plugins.plugins) catalog = catalog.with(plugins.stagesOf(plugin), { kind: 'plugin', plugin: plugin.definition.name });

  const pluginFeatures = plugins.features;
  const names = new Set([...Object.keys(BaseConfigSchema.shape), ...builtins.map((f) => f.name)]);
  for (const { plugin, feature } of pluginFeatures) {
    if (names.has(feature.name)) throw new Error(`plugin "${plugin}": feature "${feature.name}" clashes with an existing feature or config section of that name`);
    names.add(feature.name);
  }

  const composed: Feature[] = [];
  let placedPlugins = false;
  for (const feature of builtins) {
    if (feature.name === 'plugins') {
      composed.push(createPluginsFeature(plugins), ...pluginFeatures.map((p) => p.feature));
      placedPlugins = true;
    } else if (feature.name === 'pipelines') {
      composed.push(createPipelinesFeature({ catalog, configSource }));
    } else composed.push(feature);
  }
  if (!placedPlugins) composed.unshift(createPluginsFeature(plugins), ...pluginFeatures.map((p) => p.feature));
  return composed;
}
