// `npm ci` when node_modules is missing or doesn't match package-lock.json. Dependency-free.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SetupError } from './aptPackages.mjs';

const STAMP = 'node_modules/.roomcast-setup-stamp';

function lockHash(projectRoot) {
  const lock = readFileSync(path.join(projectRoot, 'package-lock.json'));
  return createHash('sha256').update(lock).update(process.version.split('.')[0]).digest('hex');
}

export function npmDependenciesCurrent(projectRoot) {
  const stamp = path.join(projectRoot, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockHash(projectRoot);
}

export function ensureNpmDependencies(projectRoot, { log }) {
  if (npmDependenciesCurrent(projectRoot)) return false;
  log(existsSync(path.join(projectRoot, 'node_modules')) ? 'package-lock.json changed: npm ci' : 'installing npm dependencies: npm ci');
  try {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: projectRoot,
      // mediasoup's own postinstall would try GitHub and PyPI; the worker step below handles the worker.
      env: { ...process.env, MEDIASOUP_WORKER_BIN: '/dev/null' },
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const stderr = (err.stderr?.toString() ?? '').split('\n').filter((l) => !l.includes('Unknown user config')).slice(-20).join('\n');
    throw new SetupError(`npm ci failed:\n${stderr}\nFix the error above, then run: npm run setup`);
  }
  writeFileSync(path.join(projectRoot, STAMP), `${lockHash(projectRoot)}\n`);
  return true;
}
