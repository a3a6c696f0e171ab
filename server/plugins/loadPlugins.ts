import { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { formatZodIssues } from '../validation/formatIssues.ts';
import type { PluginDefinition } from './PluginDefinition.ts';
import { resolvePluginEntry } from './resolvePluginEntry.ts';

/** One plugin, imported and checked against the contracts. */
export interface LoadedPlugin {
  /** As written in `plugins:`. */
  entry: string;
  /** The module file imported. */
  file: string;
  definition: PluginDefinition;
}

/** Plugins that could not be loaded: one line per problem, each naming the plugin. */
export class PluginLoadError extends Error {
  constructor(readonly problems: string[]) {
    super(`plugins could not be loaded:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PluginLoadError';
  }
}

export const ROOMCAST_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SDK_URL = pathToFileURL(path.join(ROOMCAST_ROOT, 'server/sdk.ts')).href;

// The shape of each contract, checked at load so a wrong plugin fails with its name and the exact field
// instead of deep inside a pipeline later. Functions and zod schemas are checked by what they can do, so
// a plugin built against a compatible zod copy still passes.
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');
const zodSchema = z.custom<z.ZodType>(
  (v) => !!v && typeof v === 'object' && '_zod' in v && typeof (v as { safeParse?: unknown }).safeParse === 'function',
  'expected a zod schema (use `z` from roomcast/sdk)',
);
const kinds = z.array(z.enum(['video', 'audio', 'event']));
const queuePolicy = z.strictObject({ mode: z.enum(['keep-latest', 'drop-oldest', 'backpressure']), capacity: z.number().int().min(1) });

const StageShape = z.looseObject({
  type: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i, 'must be 1-64 letters, digits, ".", "_" or "-"'),
  description: z.string(),
  optionsSchema: zodSchema,
  inputs: kinds.min(1, 'a stage consumes at least one frame kind'),
  outputs: kinds,
  queue: z.strictObject({ video: queuePolicy.optional(), audio: queuePolicy.optional(), event: queuePolicy.optional() }).optional(),
  deadlineMs: z.number().positive().optional(),
  create: fn,
});
const FeatureShape = z.looseObject({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/, 'must be a camelCase config key, e.g. "myAdapter"'),
  configSchema: zodSchema,
  start: fn,
});
const ActionShape = z.looseObject({
  type: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i, 'must be a dotted id, e.g. "example.webhook"'),
  description: z.string(),
  paramsSchema: zodSchema,
  run: fn,
});
const EffectShape = z.looseObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i),
  description: z.string(),
  paramsSchema: zodSchema,
  defaultDurationMs: z.number().positive().nullable(),
  defaultPriority: z.number(),
  start: fn,
});
const PluginShape = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 lowercase letters, digits, "-" or "_"'),
  version: z.string().optional(),
  description: z.string().optional(),
  stages: z.array(StageShape).optional(),
  features: z.array(FeatureShape).optional(),
  actions: z.array(ActionShape).optional(),
  effects: z.array(EffectShape).optional(),
});

let hookRegistered = false;
/** Make `roomcast/sdk` resolve to this server's SDK for every module imported from now on. */
function provideSdk(): void {
  if (hookRegistered) return;
  register(new URL('./sdkResolveHook.mjs', import.meta.url), { data: { sdkUrl: SDK_URL } });
  hookRegistered = true;
}

function describeExports(module: Record<string, unknown>): string {
  const names = Object.keys(module);
  return names.length ? `it exports: ${names.join(', ')}` : 'it exports nothing';
}

/**
 * Import every `plugins:` entry and check its definition. Reports every plugin's problems at once, each
 * line naming the plugin (`plugins[1] "./plugins/broken": ...`). Runs before the config is validated,
 * since plugins add config sections and stage types.
 */
export async function loadPlugins(entries: readonly string[], options: { baseDir: string; roomcastRoot?: string }): Promise<LoadedPlugin[]> {
  const problems: string[] = [];
  const loaded: LoadedPlugin[] = [];
  if (entries.length) provideSdk();
  for (const [index, entry] of entries.entries()) {
    const label = `plugins[${index}] "${entry}"`;
    let file: string;
    try {
      file = resolvePluginEntry(entry, options.baseDir, options.roomcastRoot ?? ROOMCAST_ROOT);
    } catch (err) {
      problems.push(`${label}: ${(err as Error).message}`);
      continue;
    }
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (err) {
      const error = err as Error;
      problems.push(`${label}: failed to load ${file}: ${error.message.split('\n')[0]}`);
      continue;
    }
    const candidate = module['default'] ?? module['plugin'];
    if (candidate === undefined) {
      problems.push(`${label}: ${file} has no default export (expected \`export default definePlugin({ name, stages, ... })\` from roomcast/sdk); ${describeExports(module)}`);
      continue;
    }
    const parsed = PluginShape.safeParse(candidate);
    if (!parsed.success) {
      const name = (candidate as { name?: unknown } | null)?.name;
      const who = typeof name === 'string' ? `${label} (plugin "${name}")` : label;
      for (const issue of formatZodIssues(parsed.error, PluginShape)) problems.push(`${who}: ${issue.path}: ${issue.message}`);
      continue;
    }
    const definition = candidate as PluginDefinition;
    const clash = loaded.find((p) => p.definition.name === definition.name);
    if (clash) {
      problems.push(`${label}: plugin name "${definition.name}" is already used by ${clash.entry}`);
      continue;
    }
    loaded.push({ entry, file, definition });
  }
  if (problems.length) throw new PluginLoadError(problems);
  return loaded;
}
