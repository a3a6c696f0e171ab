import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Feature } from '../features/Feature.ts';
import { BUILTIN_FEATURES } from '../features/builtinFeatures.ts';
import { configSchemaFor } from '../config/schema.ts';
import { ConfigError, loadConfig, resolveConfigFile, type LoadConfigOptions, type LoadedConfig } from '../config/loadConfig.ts';
import type { ConfigSource } from '../../pipelines/feature/ConfigSource.ts';
import { composeFeatures } from './composeFeatures.ts';
import { loadPlugins, PluginLoadError } from './loadPlugins.ts';
import { PluginSet } from './PluginSet.ts';

/** A validated config plus the features (built-in and from plugins) to run it with. */
export interface Runtime {
  loaded: LoadedConfig;
  features: readonly Feature[];
  plugins: PluginSet;
}

/**
 * `plugins:` as written (file, or ROOMCAST_PLUGINS), read before anything is validated. Anything odd is
 * left for validation to report with its line.
 */
function pluginEntries(file: string | undefined, env: NodeJS.ProcessEnv): string[] {
  let value: unknown;
  if (env.ROOMCAST_PLUGINS !== undefined) {
    try {
      value = parseYaml(env.ROOMCAST_PLUGINS);
    } catch {
      return [];
    }
  } else if (file) {
    try {
      value = (parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown> | null)?.['plugins'];
    } catch {
      return [];
    }
  }
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0) ? [...new Set(value as string[])] : [];
}

/**
 * Load plugins (they add config sections and stage types), then read and validate the config with every
 * feature's section. Plugin problems are config problems: a ConfigError naming the plugin.
 */
export async function loadRuntime(options: LoadConfigOptions & { builtins?: readonly Feature[] } = {}): Promise<Runtime> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = resolveConfigFile({ ...options, env, cwd });
  const sourceName = file ? path.relative(cwd, file) || file : 'embedded defaults';
  let plugins: PluginSet;
  const entries = pluginEntries(file, env);
  try {
    plugins = new PluginSet(await loadPlugins(entries, { baseDir: file ? path.dirname(file) : cwd }));
  } catch (err) {
    if (err instanceof PluginLoadError) throw new ConfigError(sourceName, err.problems);
    throw err;
  }

  let schema: ReturnType<typeof configSchemaFor> | undefined;
  const configSource: ConfigSource = {
    file,
    // Same file, environment and schema (plugins included) as at start.
    load: () => {
      try {
        return loadConfig({ file, env, cwd, schema: schema! }).config;
      } catch (err) {
        const now = pluginEntries(file, env);
        if (err instanceof ConfigError && now.join('\n') !== entries.join('\n')) {
          // New stage types or sections from a plugin that is not loaded yet: say what would fix it.
          throw new ConfigError(sourceName, [...err.problems, `plugins: the list changed (${now.join(', ') || 'none'}); plugins load at start: restart Roomcast to use them`]);
        }
        throw err;
      }
    },
  };
  let features: Feature[];
  try {
    features = composeFeatures(options.builtins ?? BUILTIN_FEATURES, plugins, configSource);
    schema = configSchemaFor(features);
  } catch (err) {
    throw new ConfigError(sourceName, [(err as Error).message]);
  }
  const loaded = loadConfig({ file, env, cwd, schema });
  return { loaded, features, plugins };
}
