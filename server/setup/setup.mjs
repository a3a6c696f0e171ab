#!/usr/bin/env node
// `npm run setup` (and the first step of `npm start`, `npm test`, `npm run bench`): install whatever is
// missing so Roomcast runs on a fresh Debian machine, and nothing when everything is in place.
// Dependency-free on purpose: it runs before `npm ci`.
//
//   node server/setup/setup.mjs [--for start|test|bench]
//
// Exit codes: 0 ready; 1 something is missing that needs the user (the exact command is printed).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUNTIME_APT_PACKAGES, TEST_APT_PACKAGES, SetupError, ensureAptPackages } from './aptPackages.mjs';
import { ensureNpmDependencies } from './npmDependencies.mjs';
import { ensureWebBundles } from './webBundles.mjs';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MIN_NODE = [20, 19];

function parseArgs(argv) {
  const i = argv.indexOf('--for');
  const purpose = i >= 0 ? argv[i + 1] : 'start';
  if (!['start', 'test', 'bench'].includes(purpose)) {
    process.stderr.write(`setup: --for must be start, test or bench (got ${purpose})\n`);
    process.exit(2);
  }
  return { purpose };
}

const log = (line) => process.stderr.write(`[setup] ${line}\n`);

async function main() {
  const started = Date.now();
  const { purpose } = parseArgs(process.argv.slice(2));
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    throw new SetupError(`Roomcast needs Node.js ${MIN_NODE.join('.')} or newer; this is ${process.version}. Install Node 20 LTS (https://nodejs.org or your distribution's nodejs package).`);
  }
  const changed = [];

  // 1. Debian packages. Tests and benchmarks also need the browser and the real peers they talk to.
  const { WORKER_RUNTIME_APT_PACKAGES } = await import('./mediasoup-worker.mjs');
  const packages = [...RUNTIME_APT_PACKAGES, ...WORKER_RUNTIME_APT_PACKAGES, ...(purpose === 'start' ? [] : TEST_APT_PACKAGES)];
  const installed = ensureAptPackages(packages, { log, why: purpose === 'start' ? 'Roomcast' : `npm ${purpose === 'test' ? 'test' : 'run bench'}` });
  if (installed.length) changed.push(`apt: ${installed.join(' ')}`);

  // 2. npm dependencies.
  if (ensureNpmDependencies(PROJECT_ROOT, { log })) changed.push('npm ci');

  // 3. mediasoup's C++ worker: present, cached outside the clone, downloaded, or built offline.
  const { ensureMediasoupWorker, WORKER_BUILD_APT_PACKAGES } = await import('./mediasoup-worker.mjs');
  const worker = await ensureMediasoupWorker({
    projectRoot: PROJECT_ROOT,
    log,
    beforeOfflineBuild: () => {
      const meson = WORKER_BUILD_APT_PACKAGES.filter((p) => p === 'meson');
      const others = [...WORKER_BUILD_APT_PACKAGES.filter((p) => p !== 'meson'), 'ccache'];
      const got = ensureAptPackages(others, { log, backports: meson, why: 'building the mediasoup worker' });
      if (got.length) changed.push(`apt: ${got.join(' ')}`);
    },
  });
  if (worker.source !== 'present') changed.push(`mediasoup-worker (${worker.source})`);

  // 4. Browser pages.
  if (ensureWebBundles(PROJECT_ROOT, { log })) changed.push('browser pages');

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  log(changed.length ? `done in ${seconds} s: ${changed.join(', ')}` : `everything is in place (${seconds} s)`);
}

main().catch((err) => {
  if (err instanceof SetupError) {
    process.stderr.write(`\n[setup] ${err.message}\n`);
    for (const cmd of err.commands ?? []) process.stderr.write(`    ${cmd}\n`);
    process.stderr.write('\n');
  } else {
    process.stderr.write(`\n[setup] failed: ${process.env.DEBUG ? err?.stack : err?.message ?? err}\n`);
  }
  process.exit(1);
});
