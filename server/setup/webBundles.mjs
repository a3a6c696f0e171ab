// Build the browser pages with Vite when their sources changed since the last build. Dependency-free.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SetupError } from './aptPackages.mjs';

/** Everything a browser bundle is built from. */
const INPUTS = ['control-ui', 'overlay', 'server/protocol', 'server/http/webPages.ts', 'vite.config.ts', 'package-lock.json', 'tsconfig.json'];
const OUT_DIR = 'dist/web';
const STAMP = 'dist/web/.build-stamp';

function* files(p) {
  if (!existsSync(p)) return;
  if (statSync(p).isDirectory()) {
    for (const entry of readdirSync(p).sort()) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      yield* files(path.join(p, entry));
    }
  } else yield p;
}

export function webSourcesHash(projectRoot) {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(path.join(projectRoot, input))) {
      hash.update(path.relative(projectRoot, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

export function ensureWebBundles(projectRoot, { log }) {
  const stamp = path.join(projectRoot, STAMP);
  const hash = webSourcesHash(projectRoot);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) return false;
  log('building the browser pages (vite build)');
  try {
    execFileSync(process.execPath, [path.join(projectRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: projectRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    throw new SetupError(`vite build failed:\n${err.stderr?.toString().trim().split('\n').slice(-20).join('\n')}`);
  }
  writeFileSync(stamp, `${hash}\n`);
  return true;
}

export { OUT_DIR as WEB_OUT_DIR };
