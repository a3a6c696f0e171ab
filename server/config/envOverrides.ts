import { parse as parseYamlScalar } from 'yaml';
import type { z } from 'zod';
import { formatPath } from '../validation/formatIssues.ts';

/**
 * Environment overrides. Four short names are documented for the common cases; every other setting is
 * reachable as ROOMCAST_<PATH>, path segments joined by a double underscore and written in SCREAMING_SNAKE:
 * `log.level` -> ROOMCAST_LOG__LEVEL, `auth.maxFailures` -> ROOMCAST_AUTH__MAX_FAILURES.
 */
export const ENV_SHORTCUTS: Readonly<Record<string, readonly string[]>> = {
  ROOMCAST_HOST: ['server', 'host'],
  ROOMCAST_PORT: ['server', 'port'],
  ROOMCAST_DATA_DIR: ['dataDir'],
  REDIS_URL: ['redis', 'url'],
};

/** ROOMCAST_* variables that are not settings. */
export const RESERVED_ENV = new Set(['ROOMCAST_CONFIG']);
const RESERVED_PREFIXES = ['ROOMCAST_SETUP_', 'ROOMCAST_TEST_'];

export function envNameForPath(path: readonly string[]): string {
  for (const [name, target] of Object.entries(ENV_SHORTCUTS)) {
    if (target.join('.') === path.join('.')) return name;
  }
  return `ROOMCAST_${path.map((s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('__')}`;
}

function pathForEnvName(name: string): string[] {
  return name
    .slice('ROOMCAST_'.length)
    .split('__')
    .map((segment) => segment.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
}

type AnySchema = z.core.$ZodType;

function leafType(schema: AnySchema, path: readonly string[]): string | undefined {
  let node: AnySchema | undefined = schema;
  const unwrap = (s: AnySchema) => {
    let n = s;
    for (let guard = 0; guard < 20; guard++) {
      const def = n._zod.def as unknown as { type: string; innerType?: AnySchema };
      if (def.innerType) n = def.innerType;
      else break;
    }
    return n;
  };
  for (const segment of path) {
    if (!node) return undefined;
    const def = unwrap(node)._zod.def as unknown as { type: string; shape?: Record<string, AnySchema> };
    node = def.type === 'object' ? def.shape?.[segment] : undefined;
  }
  return node ? (unwrap(node)._zod.def as unknown as { type: string }).type : undefined;
}

export interface EnvOverride {
  envName: string;
  path: string[];
  value: unknown;
}

/** The overrides present in `env`, values parsed as YAML scalars (numbers, booleans, `[a, b]` lists). */
export function collectEnvOverrides(env: NodeJS.ProcessEnv, schema: AnySchema): EnvOverride[] {
  const overrides: EnvOverride[] = [];
  for (const [envName, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    let path: string[] | undefined;
    if (envName in ENV_SHORTCUTS) path = [...ENV_SHORTCUTS[envName]!];
    else if (envName.startsWith('ROOMCAST_') && !RESERVED_ENV.has(envName) && !RESERVED_PREFIXES.some((p) => envName.startsWith(p))) {
      path = pathForEnvName(envName);
    }
    if (!path) continue;
    let value: unknown = raw;
    if (leafType(schema, path) !== 'string') {
      try {
        value = parseYamlScalar(raw);
      } catch {
        value = raw; // let the schema report the type problem against the variable's name
      }
    }
    overrides.push({ envName, path, value });
  }
  return overrides;
}

/** Apply overrides onto the raw (unvalidated) config object, creating intermediate objects. */
export function applyEnvOverrides(raw: Record<string, unknown>, overrides: readonly EnvOverride[]): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const { path, value } of overrides) {
    let node: Record<string, unknown> = out;
    for (const segment of path.slice(0, -1)) {
      const next = node[segment];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return out;
}

/** The env variable that set `path` (or one of its parents), for error messages. */
export function envSourceFor(path: readonly PropertyKey[], overrides: readonly EnvOverride[]): EnvOverride | undefined {
  const text = formatPath(path);
  return overrides.find((o) => {
    const p = o.path.join('.');
    // Either the issue is inside what the variable set, or the variable set something under an unknown key.
    return text === p || text.startsWith(`${p}.`) || text.startsWith(`${p}[`) || p.startsWith(`${text}.`);
  });
}
