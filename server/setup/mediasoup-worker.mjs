// Provides mediasoup's C++ worker binary without relying on mediasoup's postinstall.
//
// mediasoup's postinstall downloads a prebuilt worker from GitHub and otherwise builds it with
// pip-installed meson plus subprojects fetched from GitHub/wrapdb. Where only the npm registry and
// Debian apt are reachable all of that fails, so installs run with MEDIASOUP_WORKER_BIN=/dev/null and
// this module provides the worker instead: present -> cached -> prebuilt download -> offline build
// against Debian's libraries (see docs in /work/shared/notes/mediasoup.md).
//
// Node built-ins only: it runs before (and independently of) the project's npm dependencies.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Debian packages needed to BUILD the worker offline (meson comes from bookworm-backports). */
export const WORKER_BUILD_APT_PACKAGES = [
  'meson', // >= 1.1 required by mediasoup: bookworm's own 1.0.1 is too old, use -t bookworm-backports
  'ninja-build',
  'pkg-config',
  'g++',
  'libssl-dev',
  'libuv1-dev',
  'libsrtp2-dev',
  'libabsl-dev',
  'libusrsctp-dev',
  'nlohmann-json3-dev',
];

/** Debian packages the built worker needs at RUN time (shared libs). */
export const WORKER_RUNTIME_APT_PACKAGES = [
  'libssl3',
  'libuv1',
  'libsrtp2-1',
  'libusrsctp2',
  'libabsl20220623',
  'libstdc++6',
];

const BACKPORTS_HINT =
  "echo 'deb http://deb.debian.org/debian bookworm-backports main' > /etc/apt/sources.list.d/bookworm-backports.list && apt-get update";
const MIN_WORKER_BYTES = 1024 * 1024;
// Exit code mediasoup-worker uses when started without MEDIASOUP_VERSION (worker/src/main.cpp).
const WORKER_NO_PARENT_EXIT_CODE = 41;
const PREBUILT_RESPONSE_TIMEOUT_MS = 20_000;
// Only applies once the server has answered, i.e. on a machine that can actually reach it.
const PREBUILT_BODY_TIMEOUT_MS = 120_000;
const LOCK_HEARTBEAT_MS = 30_000;
const LOCK_STALE_MS = 5 * 60_000;

/** Absolute path where mediasoup looks for its worker by default. */
export function workerBinaryPath(projectRoot) {
  return path.join(mediasoupDir(projectRoot), 'worker', 'out', 'Release', 'mediasoup-worker');
}

/** Cache dir outside the clone, keyed by mediasoup version, CPU arch and OS release. */
export function workerCacheDir(projectRoot) {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const key = `${mediasoupPackage(projectRoot).version}-${process.arch}-${osReleaseId()}`;
  return path.join(cacheHome, 'roomcast', 'mediasoup-worker', key);
}

/**
 * Make sure mediasoup's default worker binary exists and runs. `beforeOfflineBuild` runs right before
 * an offline build (setup installs the build packages there).
 * Returns { source: 'present'|'cache'|'prebuilt'|'built', path }.
 */
export async function ensureMediasoupWorker({ projectRoot, log = defaultLog, beforeOfflineBuild } = {}) {
  if (!projectRoot) throw new Error('ensureMediasoupWorker: projectRoot is required');
  projectRoot = path.resolve(projectRoot);
  const target = workerBinaryPath(projectRoot);
  dropBogusWorkerBinEnv(log);

  const present = checkWorker(target);
  if (present.ok) return { source: 'present', path: target };
  throwIfMissingRuntimeLibs(present, target);
  log(`mediasoup-worker not usable at ${target} (${present.reason})`);

  const cacheDir = workerCacheDir(projectRoot);
  fs.mkdirSync(cacheDir, { recursive: true });

  return withLock(path.join(cacheDir, 'lock'), log, async () => {
    // Another process may have provided it while we waited for the lock.
    if (checkWorker(target).ok) return { source: 'present', path: target };

    const cached = path.join(cacheDir, 'mediasoup-worker');
    const fromCache = checkWorker(cached);
    if (fromCache.ok) {
      installAtomically(cached, target);
      log(`restored mediasoup-worker from cache ${cached}`);
      return { source: 'cache', path: target };
    }
    throwIfMissingRuntimeLibs(fromCache, cached);

    if (await downloadPrebuilt(projectRoot, cacheDir, log)) {
      installAtomically(cached, target);
      return { source: 'prebuilt', path: target };
    }

    // Only now, with no cached or downloadable worker, are the compiler and -dev packages needed.
    await beforeOfflineBuild?.();
    await buildOffline(projectRoot, cacheDir, log);
    installAtomically(cached, target);
    return { source: 'built', path: target };
  });
}

// ---------------------------------------------------------------------------------------------
// Locating mediasoup

function mediasoupDir(projectRoot) {
  const root = path.resolve(projectRoot);
  // Resolve like Node would at run time (handles hoisting); fall back to the conventional path.
  try {
    const req = createRequire(path.join(root, 'package.json'));
    return path.dirname(req.resolve('mediasoup/package.json'));
  } catch {
    return path.join(root, 'node_modules', 'mediasoup');
  }
}

function mediasoupPackage(projectRoot) {
  const file = path.join(mediasoupDir(projectRoot), 'package.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new Error(
      `mediasoup is not installed under ${projectRoot} (no ${file}). Run: MEDIASOUP_WORKER_BIN=/dev/null npm ci`,
    );
  }
}

function osReleaseId() {
  try {
    const text = fs.readFileSync('/etc/os-release', 'utf8');
    const field = (name) => text.match(new RegExp(`^${name}=["']?([^"'\\n]*)`, 'm'))?.[1] ?? '';
    const id = `${field('ID')}${field('VERSION_ID')}`.replace(/[^A-Za-z0-9._-]/g, '');
    if (id) return id;
  } catch {
    // Not Linux (or a minimal container): fall through.
  }
  return `${os.platform()}${os.release().split('.')[0]}`;
}

// ---------------------------------------------------------------------------------------------
// Validation

/** A usable worker is a real (> 1 MB) executable that exits with 41 when run without its parent. */
function checkWorker(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  if (!stat.isFile() || fs.realpathSync(file) === '/dev/null') return { ok: false, reason: 'not a regular file' };
  if (stat.size < MIN_WORKER_BYTES) return { ok: false, reason: `only ${stat.size} bytes` };
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    return { ok: false, reason: 'not executable' };
  }
  // Empty env: without MEDIASOUP_VERSION the worker exits immediately with its known code.
  const run = spawnSync(file, [], { env: {}, timeout: 10_000, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.status === WORKER_NO_PARENT_EXIT_CODE) return { ok: true };
  const stderr = (run.stderr ?? '').trim();
  const missingLib = stderr.match(/error while loading shared libraries: ([^:\s]+)/)?.[1];
  const how = run.error ? run.error.message : run.signal ? `killed by ${run.signal}` : `exit code ${run.status}`;
  return { ok: false, missingLib, reason: `does not run (${how}${stderr ? `: ${stderr.split('\n')[0]}` : ''})` };
}

function throwIfMissingRuntimeLibs(check, file) {
  if (!check.missingLib) return;
  throw new Error(
    `${file} cannot start: shared library ${check.missingLib} is missing. ` +
      `Run: apt-get install -y ${WORKER_RUNTIME_APT_PACKAGES.join(' ')}`,
  );
}

// mediasoup spawns MEDIASOUP_WORKER_BIN if set; the install-time /dev/null must not leak into run time.
function dropBogusWorkerBinEnv(log) {
  const bin = process.env.MEDIASOUP_WORKER_BIN;
  if (bin === undefined) return;
  if (bin && checkWorker(bin).ok) {
    log(`note: MEDIASOUP_WORKER_BIN=${bin} is set, so mediasoup will run that binary, not the default one`);
    return;
  }
  delete process.env.MEDIASOUP_WORKER_BIN;
  log(`unset MEDIASOUP_WORKER_BIN=${bin} (not a usable worker; it is meant for install time only)`);
}

// ---------------------------------------------------------------------------------------------
// Files, locking

/** Copy (or write) into place via a temp file + rename so readers never see a partial binary. */
function installAtomically(srcOrBuffer, dest) {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    if (Buffer.isBuffer(srcOrBuffer)) fs.writeFileSync(tmp, srcOrBuffer);
    else fs.copyFileSync(srcOrBuffer, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, dest);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Serialize cache writers (two clones or two `npm test` runs) with an O_EXCL lock file. */
async function withLock(lockPath, log, fn) {
  const me = { pid: process.pid, host: os.hostname() };
  let lastNotice = 0;
  for (;;) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify({ ...me, since: new Date().toISOString() }), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const holder = readLock(lockPath);
    if (holder && isStaleLock(holder)) {
      log(`removing stale lock ${lockPath} (pid ${holder.pid ?? '?'})`);
      fs.rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() - lastNotice > 30_000) {
      log(`waiting for another process (pid ${holder?.pid ?? '?'}) that holds ${lockPath}`);
      lastNotice = Date.now();
    }
    await sleep(1000);
  }
  // Keep the mtime fresh so holders on other hosts (shared home dirs) are not declared stale.
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      fs.utimesSync(lockPath, now, now);
    } catch {
      // Lock vanished; nothing useful to do here.
    }
  }, LOCK_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    return await fn();
  } finally {
    clearInterval(heartbeat);
    const holder = readLock(lockPath);
    if (holder?.pid === me.pid && holder?.host === me.host) fs.rmSync(lockPath, { force: true });
  }
}

function readLock(lockPath) {
  try {
    const mtimeMs = fs.statSync(lockPath).mtimeMs;
    let data = {};
    try {
      data = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    } catch {
      // Being written right now, or garbage; judged by age below.
    }
    return { ...data, mtimeMs };
  } catch {
    return null; // Released between our attempt and this read.
  }
}

function isStaleLock(holder) {
  if (holder.host === os.hostname() && Number.isInteger(holder.pid)) {
    try {
      process.kill(holder.pid, 0);
      return false;
    } catch (error) {
      return error.code === 'ESRCH';
    }
  }
  return Date.now() - holder.mtimeMs > LOCK_STALE_MS;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// (3) mediasoup's prebuilt worker: same URL and host check as its npm-scripts.mjs

async function downloadPrebuilt(projectRoot, cacheDir, log) {
  if (process.env.MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD) {
    log('MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD set: not trying the prebuilt worker');
    return false;
  }
  const pkg = mediasoupPackage(projectRoot);
  const base =
    process.env.MEDIASOUP_WORKER_PREBUILT_DOWNLOAD_BASE_URL ||
    `${pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '')}/releases/download`;
  const url = `${base}/${pkg.version}/mediasoup-worker-${pkg.version}-${os.platform()}-${os.arch()}.tgz`;
  log(`trying prebuilt worker ${url}`);

  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), PREBUILT_RESPONSE_TIMEOUT_MS);
  let tgz;
  try {
    const res = await fetch(url, { signal: controller.signal });
    if (!res.ok) {
      log(`prebuilt worker not available: HTTP ${res.status}`);
      return false;
    }
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), PREBUILT_BODY_TIMEOUT_MS);
    tgz = Buffer.from(await res.arrayBuffer());
  } catch (error) {
    const cause = error.cause?.code ?? error.cause?.message;
    log(`prebuilt worker download failed: ${error.name === 'AbortError' ? 'timed out' : error.message}${cause ? ` (${cause})` : ''}`);
    return false;
  } finally {
    clearTimeout(timer);
  }

  let binary;
  try {
    binary = extractFromTar(gunzipSync(tgz), 'mediasoup-worker');
  } catch (error) {
    log(`prebuilt worker archive unreadable: ${error.message}`);
    return false;
  }
  if (!binary) {
    log('prebuilt worker archive has no mediasoup-worker entry');
    return false;
  }
  // Validate a temp copy first: prebuilt binaries can fail on an unexpected libc.
  const staged = path.join(cacheDir, `prebuilt-${process.pid}.tmp`);
  try {
    installAtomically(binary, staged);
    const check = checkWorker(staged);
    if (!check.ok) {
      log(`prebuilt worker does not run on this host: ${check.reason}`);
      return false;
    }
    fs.renameSync(staged, path.join(cacheDir, 'mediasoup-worker'));
    writeCacheInfo(cacheDir, { source: 'prebuilt', url });
    log('got the prebuilt mediasoup-worker');
    return true;
  } finally {
    fs.rmSync(staged, { force: true });
  }
}

/** Minimal ustar/pax reader: returns the contents of the first regular file named `baseName`. */
function extractFromTar(tar, baseName) {
  const str = (buf, start, len) => buf.toString('utf8', start, start + len).replace(/\0.*$/s, '');
  let longName = null;
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(str(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = body.toString('utf8').match(/\d+ path=([^\n]*)\n/)?.[1] ?? null;
      continue;
    }
    if (type === 'L') {
      longName = str(body, 0, body.length);
      continue;
    }
    const prefix = str(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${str(header, 0, 100)}` : str(header, 0, 100));
    longName = null;
    if ((type === '0' || type === '\0') && path.posix.basename(name) === baseName) return Buffer.from(body);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// (4) Offline build against Debian's libraries

// mediasoup's meson.build calls subproject() for each dependency, so --wrap-mode alone cannot switch
// it to system libraries. These stand-ins export the variables it reads, backed by pkg-config.
// Dummy static libraries satisfy the `link_whole` list of the (not built) libmediasoup-worker target.
const DUMMY_LIB = (name) => `static_library('${name}', 'dummy.c', build_by_default: false)`;
const STANDINS = {
  openssl: {
    build: `
openssl_dep = dependency('openssl', version: '>= 3.0')
libssl_dep = dependency('libssl')
libcrypto_dep = dependency('libcrypto')
libcrypto_lib = ${DUMMY_LIB('crypto_standin')}
libssl_lib = ${DUMMY_LIB('ssl_standin')}
`,
  },
  nlohmann_json: {
    build: `
nlohmann_json_dep = dependency('nlohmann_json')
`,
  },
  libuv: {
    options: `
option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)
`,
    build: `
libuv_dep = dependency('libuv', version: '>= 1.44')
libuv = ${DUMMY_LIB('uv_standin')}
`,
  },
  libsrtp2: {
    options: `
option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'feature', value: 'disabled')
option('tests', type: 'feature', value: 'disabled')
`,
    // mediasoup includes <srtp.h>; Debian installs it as <srtp2/srtp.h>.
    build: `
srtp = dependency('libsrtp2', version: '>= 2.5')
libsrtp2_dep = declare_dependency(
  dependencies: srtp,
  compile_args: ['-I' + srtp.get_variable(pkgconfig: 'includedir') / 'srtp2'],
)
libsrtp2 = ${DUMMY_LIB('srtp2_standin')}
`,
  },
  usrsctp: {
    options: `
option('sctp_build_programs', type: 'boolean', value: false)
`,
    build: `
usrsctp_dep = dependency('usrsctp')
usrsctp = ${DUMMY_LIB('usrsctp_standin')}
`,
  },
  'abseil-cpp': {
    build: `
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'),
  dependency('absl_flat_hash_set'),
  dependency('absl_btree'),
  dependency('absl_inlined_vector'),
  dependency('absl_memory'),
])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [dependency('absl_optional'), dependency('absl_variant')])
absl_container_lib = ${DUMMY_LIB('absl_container_standin')}
`,
  },
  // Only the (not built) unit-test targets use catch2.
  catch2: {
    build: `
catch2_dep = declare_dependency()
`,
  },
};
// Windows-only subprojects never referenced on Linux/macOS.
const UNUSED_SUBPROJECTS = new Set(['wingetopt']);
// Bump when the stand-ins change so existing cached sources/build dirs are recreated.
const STANDINS_REVISION = 1;

// pkg-config module -> Debian package, used to name what to install.
const PKGCONFIG_PACKAGES = {
  openssl: 'libssl-dev',
  libuv: 'libuv1-dev',
  libsrtp2: 'libsrtp2-dev',
  usrsctp: 'libusrsctp-dev',
  nlohmann_json: 'nlohmann-json3-dev',
  absl_flat_hash_map: 'libabsl-dev',
};

async function buildOffline(projectRoot, cacheDir, log) {
  const workerDir = path.join(mediasoupDir(projectRoot), 'worker');
  const version = mediasoupPackage(projectRoot).version;
  preflight(workerDir, version);

  const srcDir = prepareSources(workerDir, cacheDir, version, log);
  const buildDir = path.join(cacheDir, 'build');
  const logFile = path.join(cacheDir, 'build.log');
  fs.writeFileSync(logFile, '');
  const ccache = which('ccache');
  log(
    `building mediasoup-worker ${version} offline in ${buildDir} ` +
      `(${ccache ? 'ccache found: meson uses it' : 'no ccache: apt-get install ccache makes rebuilds fast'}; ` +
      `takes ~6-16 min on 2 cores, seconds with a warm ccache; full log: ${logFile})`,
  );
  const started = Date.now();

  // Reuse a configured build dir (fresh clones of the same version hit it); `meson compile`
  // reconfigures by itself when needed. A half-finished setup has no build.ninja: start over.
  const configured =
    fs.existsSync(path.join(buildDir, 'build.ninja')) &&
    fs.existsSync(path.join(buildDir, 'meson-private', 'coredata.dat'));
  if (!configured) {
    fs.rmSync(buildDir, { recursive: true, force: true });
    await run(
      'meson',
      [
        'setup',
        '--buildtype', 'release',
        '-Db_ndebug=true',
        '-Db_pie=true',
        '-Db_staticpic=true',
        '--wrap-mode=nodownload',
        buildDir,
      ],
      { cwd: srcDir, logFile, log },
    );
  }
  const jobs = String(os.availableParallelism?.() ?? os.cpus().length);
  await run('meson', ['compile', '-C', buildDir, '-j', jobs, 'mediasoup-worker'], { cwd: srcDir, logFile, log, progress: true });

  const built = path.join(buildDir, 'mediasoup-worker');
  const check = checkWorker(built);
  if (!check.ok) throw new Error(`built ${built} but it is not usable: ${check.reason} (see ${logFile})`);
  installAtomically(built, path.join(cacheDir, 'mediasoup-worker'));
  const seconds = Math.round((Date.now() - started) / 1000);
  writeCacheInfo(cacheDir, { source: 'built', buildSeconds: seconds });
  log(`built mediasoup-worker in ${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`);
}

/** Fail before a long build with the exact commands that fix the machine. */
function preflight(workerDir, version) {
  const missingSubprojects = fs
    .readdirSync(path.join(workerDir, 'subprojects'))
    .filter((f) => f.endsWith('.wrap'))
    .map((f) => f.slice(0, -'.wrap'.length))
    .filter((name) => !STANDINS[name] && !UNUSED_SUBPROJECTS.has(name));
  if (missingSubprojects.length) {
    throw new Error(
      `cannot build mediasoup ${version} offline: no Debian stand-in for its subprojects ` +
        `${missingSubprojects.join(', ')}. Pin mediasoup to 3.12.16 or add stand-ins in server/setup/mediasoup-worker.mjs.`,
    );
  }

  const problems = [];
  const apt = new Set();
  let needMeson = false;
  const requiredMeson = fs.readFileSync(path.join(workerDir, 'meson.build'), 'utf8').match(/meson_version:\s*'>=\s*([\d.]+)'/)?.[1] ?? '1.1.0';
  const mesonVersion = which('meson') ? capture('meson', ['--version']) : null;
  if (!mesonVersion) {
    problems.push('meson is not installed');
    needMeson = true;
  } else if (compareVersions(mesonVersion, requiredMeson) < 0) {
    problems.push(`meson ${mesonVersion} is too old (mediasoup needs >= ${requiredMeson})`);
    needMeson = true;
  }
  const tools = { ninja: 'ninja-build', 'pkg-config': 'pkg-config', 'c++': 'g++', cc: 'g++' };
  for (const [tool, pkg] of Object.entries(tools)) {
    if (!which(tool)) {
      problems.push(`${tool} is not installed`);
      apt.add(pkg);
    }
  }
  if (which('pkg-config')) {
    for (const [module, pkg] of Object.entries(PKGCONFIG_PACKAGES)) {
      if (spawnSync('pkg-config', ['--exists', module]).status !== 0) {
        problems.push(`pkg-config cannot find ${module}`);
        apt.add(pkg);
      }
    }
  } else {
    for (const pkg of Object.values(PKGCONFIG_PACKAGES)) apt.add(pkg);
  }
  if (!problems.length) return;

  const commands = [];
  if (apt.size) commands.push(`apt-get install -y ${[...apt].join(' ')}`);
  if (needMeson) commands.push(`${BACKPORTS_HINT} && apt-get install -y -t bookworm-backports meson`);
  throw new Error(
    `cannot build mediasoup-worker ${version} offline: ${problems.join('; ')}.\n` +
      `Run (as root):\n  ${commands.join('\n  ')}\n` +
      `Full build package list: ${WORKER_BUILD_APT_PACKAGES.join(' ')} (meson from bookworm-backports).`,
  );
}

/**
 * Copy mediasoup's worker sources into the cache and add the stand-in subprojects there, so the
 * build dir lives outside the clone, node_modules stays pristine and any clone can reuse the build.
 */
function prepareSources(workerDir, cacheDir, version, log) {
  const srcDir = path.join(cacheDir, 'worker-src');
  const stampFile = path.join(srcDir, '.roomcast-stamp');
  const stamp = JSON.stringify({ version, standins: STANDINS_REVISION });
  if (readText(stampFile) === stamp) return srcDir;

  log(`preparing worker sources in ${srcDir}`);
  fs.rmSync(srcDir, { recursive: true, force: true });
  fs.rmSync(path.join(cacheDir, 'build'), { recursive: true, force: true });
  const skip = new Set(['out', 'prebuild', 'subprojects'].map((d) => path.join(workerDir, d)));
  fs.cpSync(workerDir, srcDir, { recursive: true, filter: (src) => !skip.has(src) });
  for (const [name, { build, options }] of Object.entries(STANDINS)) {
    // No .wrap files are copied, so meson uses these directories as-is and never tries to download.
    const dir = path.join(srcDir, 'subprojects', name);
    fs.mkdirSync(dir, { recursive: true });
    const header = `# Roomcast stand-in: Debian's system library instead of mediasoup's bundled ${name}.\nproject('${name}', 'c')\n`;
    fs.writeFileSync(path.join(dir, 'meson.build'), header + build);
    if (options) fs.writeFileSync(path.join(dir, 'meson_options.txt'), options.trimStart());
    fs.writeFileSync(path.join(dir, 'dummy.c'), 'int roomcast_standin_unused;\n');
  }
  fs.writeFileSync(stampFile, stamp);
  return srcDir;
}

function writeCacheInfo(cacheDir, info) {
  const file = path.join(cacheDir, 'worker.json');
  fs.writeFileSync(file, `${JSON.stringify({ ...info, createdAt: new Date().toISOString() }, null, 2)}\n`);
}

/** Run a command, append its output to logFile, surface progress, and fail with the output tail. */
function run(cmd, args, { cwd, logFile, log, progress = false }) {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(logFile, `$ ${cmd} ${args.join(' ')}\n`);
    log(`$ ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = fs.createWriteStream(logFile, { flags: 'a' });
    const tail = [];
    let nextPercent = 10;
    let pending = '';
    const onData = (chunk) => {
      out.write(chunk);
      const lines = (pending + chunk.toString('utf8')).split(/\r?\n/);
      pending = lines.pop();
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        // Ninja prints "[n/total] ..." per step: report every 10% rather than ~300 lines.
        const step = progress && line.match(/^\[(\d+)\/(\d+)\]/);
        if (step && (100 * Number(step[1])) / Number(step[2]) >= nextPercent) {
          const percent = Math.floor((100 * Number(step[1])) / Number(step[2]));
          log(`compiling: ${percent}% (${step[1]}/${step[2]})`);
          nextPercent = Math.floor(percent / 10) * 10 + 10;
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      out.end();
      reject(new Error(`cannot run ${cmd}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      out.end();
      if (code === 0) return resolve();
      if (pending) tail.push(pending);
      reject(
        new Error(
          `${cmd} ${args[0]} failed (${signal ?? `exit code ${code}`}); full log: ${logFile}\n${tail.join('\n')}`,
        ),
      );
    });
  });
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, cmd);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // Keep looking.
    }
  }
  return null;
}

function capture(cmd, args) {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : null;
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function defaultLog(line) {
  console.error(`[mediasoup-worker] ${line}`);
}

// ---------------------------------------------------------------------------------------------
// `node server/setup/mediasoup-worker.mjs`: ensure the worker for the project this file lives in.

function isMainModule() {
  try {
    return Boolean(process.argv[1]) && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMainModule()) {
  const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const started = Date.now();
  ensureMediasoupWorker({ projectRoot }).then(
    (result) => {
      console.log(JSON.stringify({ ...result, seconds: Math.round((Date.now() - started) / 100) / 10 }));
    },
    (error) => {
      console.error(`[mediasoup-worker] ${error.message}`);
      process.exitCode = 1;
    },
  );
}
