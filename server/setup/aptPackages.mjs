// Debian packages Roomcast needs, and how to get them. Dependency-free: runs before `npm ci`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';

/** What `npm start` needs on the machine. */
export const RUNTIME_APT_PACKAGES = [
  'redis-server', // the private Redis
  'util-linux', // setpriv: children die with the server
  'gstreamer1.0-tools', // media bridge: gst-launch decoders/encoders run as supervised children
  'gstreamer1.0-plugins-base',
  'gstreamer1.0-plugins-good',
  'gstreamer1.0-plugins-bad',
  'gstreamer1.0-plugins-ugly',
  'gstreamer1.0-libav',
  'gstreamer1.0-pulseaudio',
  'gstreamer1.0-plugins-base-apps', // gst-discoverer-1.0: which streams a media file has (roomcast ingest file)
];

/** Extra for `npm test`: a browser and every real peer the integration tests talk to. */
export const TEST_APT_PACKAGES = [
  'chromium', // control UI, overlay, capture and listen pages under Playwright
  'iproute2', // private network namespaces for browser/WebRTC tests
  'xvfb', // OBS Studio needs a display
  'obs-studio',
  'ola', // DMX: Art-Net and sACN read back
  'socat', // DMX: a pseudo-terminal pair stands in for the Enttec USB DMX Pro's serial port
  'inspircd', // IRC server behind the Twitch-dialect shim for tmi.js
  'icecast2',
  'pulseaudio',
  'pulseaudio-utils',
];

/** Source for packages Debian 12 ships too old (meson for the mediasoup worker build). */
export const BACKPORTS_SOURCE_FILE = '/etc/apt/sources.list.d/roomcast-bookworm-backports.sources';
const BACKPORTS_SOURCE = `Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

export function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function hasApt() {
  return existsSync('/usr/bin/apt-get') && existsSync('/usr/bin/dpkg-query');
}

/** The subset of `packages` that is not installed. */
export function missingPackages(packages) {
  if (!packages.length) return [];
  const res = spawnSync('dpkg-query', ['-W', '-f=${Package}\t${Status}\n', ...packages], { encoding: 'utf8' });
  const installed = new Set(
    res.stdout
      .split('\n')
      .filter((line) => line.endsWith('install ok installed'))
      .map((line) => line.split('\t')[0].split(':')[0]),
  );
  return packages.filter((p) => !installed.has(p.split('=')[0]));
}

function backportsConfigured() {
  const res = spawnSync('bash', ['-c', 'grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/'], { stdio: 'ignore' });
  return res.status === 0;
}

/** The exact commands a non-root user must run to install `packages` (and `backports` from bookworm-backports). */
export function installCommands(packages, backports = []) {
  const cmds = [];
  if (backports.length && !backportsConfigured()) {
    cmds.push(`printf '${BACKPORTS_SOURCE.replace(/\n/g, '\\n')}' | sudo tee ${BACKPORTS_SOURCE_FILE}`);
  }
  cmds.push('sudo apt-get update');
  if (packages.length) cmds.push(`sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(' ')}`);
  if (backports.length) cmds.push(`sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -t bookworm-backports ${backports.join(' ')}`);
  return cmds;
}

export class SetupError extends Error {
  constructor(message, commands = []) {
    super(message);
    this.name = 'SetupError';
    this.commands = commands;
  }
}

let updatedThisRun = false;

/**
 * Install what is missing. As root: apt-get (once `apt-get update` per run). Otherwise: throw a
 * SetupError carrying the exact commands to run.
 */
export function ensureAptPackages(packages, { log, backports = [], why }) {
  const missing = missingPackages(packages);
  const missingBackports = missingPackages(backports);
  if (!missing.length && !missingBackports.length) return [];
  const all = [...missing, ...missingBackports];
  if (!hasApt()) {
    throw new SetupError(`${why} needs these Debian packages, and this system has no apt-get: ${all.join(', ')}. Install their equivalents, then run the command again.`);
  }
  if (!isRoot()) {
    throw new SetupError(`${why} needs Debian packages that are not installed: ${all.join(', ')}. Run:`, installCommands(missing, missingBackports));
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (missingBackports.length && !backportsConfigured()) {
    log(`adding the bookworm-backports apt source (${BACKPORTS_SOURCE_FILE})`);
    writeFileSync(BACKPORTS_SOURCE_FILE, BACKPORTS_SOURCE);
    updatedThisRun = false;
  }
  if (!updatedThisRun) {
    log('apt-get update');
    run('apt-get', ['update', '-q'], env);
    updatedThisRun = true;
  }
  if (missing.length) {
    log(`installing ${missing.join(' ')} (${why})`);
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], env);
  }
  if (missingBackports.length) {
    log(`installing ${missingBackports.join(' ')} from bookworm-backports (${why})`);
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', '-t', 'bookworm-backports', ...missingBackports], env);
  }
  const still = missingPackages([...packages, ...backports]);
  if (still.length) throw new SetupError(`apt-get finished but these are still not installed: ${still.join(', ')}`);
  return all;
}

function run(cmd, args, env) {
  try {
    execFileSync(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const stderr = err.stderr?.toString().trim().split('\n').slice(-15).join('\n') ?? '';
    throw new SetupError(`${cmd} ${args.join(' ')} failed:\n${stderr}`);
  }
}
