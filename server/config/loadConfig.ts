import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Node as YamlNode } from 'yaml';
import { RoomcastConfigSchema, type RoomcastConfig } from './schema.ts';
import type { z } from 'zod';
import { applyEnvOverrides, collectEnvOverrides, envNameForPath, envSourceFor } from './envOverrides.ts';
import { formatZodIssues } from '../validation/formatIssues.ts';

export const DEFAULT_CONFIG_FILE = 'roomcast.yaml';

/** A config that can't be used. `problems` are one line each, naming where and what. */
export class ConfigError extends Error {
  readonly problems: string[];
  /** 1: the config is invalid; 2: the file could not be read at all. */
  readonly exitCode: 1 | 2;
  constructor(source: string, problems: string[], exitCode: 1 | 2 = 1) {
    super(`${source} is not a valid Roomcast config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
    this.exitCode = exitCode;
  }
}

export interface LoadedConfig {
  config: RoomcastConfig;
  /** Absolute path of the file read, if any (embedded defaults otherwise). */
  file: string | undefined;
  /** Absolute data directory. */
  dataDir: string;
}

export interface LoadConfigOptions {
  /** Explicit file (CLI `--config` or `config check <file>`); must exist. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Schema to validate with (default: base sections + built-in features; plugins extend it). */
  schema?: z.ZodType<RoomcastConfig>;
}

/** The config file to read: explicit, then $ROOMCAST_CONFIG, then ./roomcast.yaml if present. */
export function resolveConfigFile(options: LoadConfigOptions): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const explicit = options.file ?? env.ROOMCAST_CONFIG;
  if (explicit) return path.resolve(cwd, explicit);
  const implicit = path.resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(implicit) ? implicit : undefined;
}

function locate(doc: ReturnType<typeof parseDocument>, lines: LineCounter, dataPath: readonly PropertyKey[], unknownKey?: string): string {
  let node: unknown = doc.contents;
  let keyNode: YamlNode | undefined;
  const segments = unknownKey === undefined ? dataPath : [...dataPath, unknownKey];
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === segment);
      if (!pair) break;
      keyNode = pair.key as YamlNode;
      node = pair.value;
    } else if (node && typeof node === 'object' && 'items' in node && typeof segment === 'number') {
      node = (node as { items: unknown[] }).items[segment];
      keyNode = node as YamlNode;
    } else break;
  }
  const range = (keyNode as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return '';
  const pos = lines.linePos(range[0]);
  return `:${pos.line}:${pos.col}`;
}

/**
 * Read, merge env overrides into, and validate the config. Throws ConfigError listing every problem, each
 * prefixed with where it came from (`roomcast.yaml:4:3`, or the environment variable that set it).
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = resolveConfigFile(options);
  const relative = file ? path.relative(cwd, file) : '';
  const sourceName = !file ? 'embedded defaults' : relative && !relative.startsWith('..') ? relative : file;

  let raw: Record<string, unknown> = {};
  let doc: ReturnType<typeof parseDocument> | undefined;
  const lines = new LineCounter();
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ConfigError(sourceName, [code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file}: ${(err as Error).message}`], 2);
    }
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length) {
      throw new ConfigError(
        sourceName,
        doc.errors.map((e) => `${sourceName}:${e.linePos?.[0]?.line ?? '?'}:${e.linePos?.[0]?.col ?? '?'} YAML syntax: ${e.message.split('\n')[0]}`),
      );
    }
    const parsed: unknown = doc.toJS();
    if (parsed === null || parsed === undefined) raw = {};
    else if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError(sourceName, [`${sourceName}: the top level must be a mapping of settings (key: value), got ${Array.isArray(parsed) ? 'a list' : typeof parsed}`]);
    } else raw = parsed as Record<string, unknown>;
  }

  const schema = options.schema ?? RoomcastConfigSchema;
  const overrides = collectEnvOverrides(env, schema);
  const merged = applyEnvOverrides(raw, overrides);
  const result = schema.safeParse(merged);
  if (!result.success) {
    const problems = formatZodIssues(result.error, schema).map((issue) => {
      const fromEnv = envSourceFor(issue.rawPath, overrides);
      if (fromEnv) {
        const known = issue.message.startsWith('unknown key');
        return known
          ? `environment ${fromEnv.envName}: no such setting (${issue.path}); settings are named like ${envNameForPath(['log', 'level'])}`
          : `environment ${fromEnv.envName} (${issue.path}): ${issue.message}`;
      }
      const isUnknown = issue.message.startsWith('unknown key');
      const where = doc
        ? locate(doc, lines, isUnknown ? issue.rawPath.slice(0, -1) : issue.rawPath, isUnknown ? String(issue.rawPath.at(-1)) : undefined)
        : '';
      return `${sourceName}${where}: ${issue.path}: ${issue.message}`;
    });
    throw new ConfigError(sourceName, problems);
  }
  const baseDir = file ? path.dirname(file) : cwd;
  return { config: result.data, file, dataDir: path.resolve(baseDir, result.data.dataDir) };
}
