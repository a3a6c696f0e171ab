import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const INDEX_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs'];

/** `./plugins/foo`, `../x`, `/abs/path`: a local plugin; anything else is an npm package name. */
export function isLocalPluginEntry(entry: string): boolean {
  return entry.startsWith('.') || path.isAbsolute(entry);
}

function entryOfPackage(dir: string): string | undefined {
  const manifestFile = path.join(dir, 'package.json');
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { exports?: unknown; main?: unknown; module?: unknown };
    const pick = (value: unknown): string | undefined => {
      if (typeof value === 'string') return value;
      if (value && typeof value === 'object') {
        const map = value as Record<string, unknown>;
        // `exports: { ".": ... }` or conditions at the top level.
        return pick(map['.'] ?? map['import'] ?? map['default'] ?? map['node']);
      }
      return undefined;
    };
    const target = pick(manifest.exports) ?? pick(manifest.module) ?? pick(manifest.main);
    if (target) return path.resolve(dir, target);
  }
  const index = INDEX_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
  return index;
}

/**
 * The file to import for a `plugins:` entry. Local entries resolve against the config file's folder (a
 * file, or a folder with a package.json or index file); package names are looked up in node_modules
 * from that folder upwards, then from Roomcast's own folder (where `npm install <plugin>` puts them).
 * Throws an Error saying where it looked.
 */
export function resolvePluginEntry(entry: string, baseDir: string, roomcastRoot: string): string {
  if (isLocalPluginEntry(entry)) {
    const target = path.resolve(baseDir, entry);
    if (!existsSync(target)) throw new Error(`not found: ${target}`);
    if (statSync(target).isFile()) return target;
    const file = entryOfPackage(target);
    if (!file) throw new Error(`${target} is a folder without a package.json entry ("exports" or "main") or an index file`);
    if (!existsSync(file)) throw new Error(`${target}/package.json points at ${file}, which does not exist`);
    return file;
  }
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(entry)) throw new Error('is neither a path (starting with ./, ../ or /) nor an npm package name');
  const looked: string[] = [];
  for (const start of [baseDir, roomcastRoot]) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', entry);
      if (!looked.includes(candidate)) looked.push(candidate);
      if (existsSync(candidate)) {
        const file = entryOfPackage(candidate);
        if (!file || !existsSync(file)) throw new Error(`package at ${candidate} has no entry file (package.json "exports" or "main")`);
        return file;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`npm package is not installed (run \`npm install ${entry}\` in ${roomcastRoot}); looked in ${looked.slice(0, 4).join(', ')}${looked.length > 4 ? ', ...' : ''}`);
}
