#!/usr/bin/env node
// `npm test` runs vitest through this: inside a private network namespace where only loopback exists,
// so no test (browsers, OBS, OLA, WebRTC) can send to or be reached from any real network.
//   root:      unshare --net
//   otherwise: unshare --user --map-root-user --net (unprivileged user namespaces)
// Usage: node test/runIsolated.mjs <command> [args...]
import { spawnSync } from 'node:child_process';

const command = process.argv.slice(2);
if (!command.length) {
  console.error('usage: node test/runIsolated.mjs <command> [args...]');
  process.exit(2);
}
if (process.env.ROOMCAST_TEST_NETNS === '1') {
  // Already inside (nested call): just run.
  process.exit(spawnSync(command[0], command.slice(1), { stdio: 'inherit' }).status ?? 1);
}

const isRoot = process.getuid?.() === 0;
const unshareArgs = isRoot ? ['--net'] : ['--user', '--map-root-user', '--net'];
const script = 'ip link set lo up && exec "$@"';
const probe = spawnSync('unshare', [...unshareArgs, 'sh', '-c', script, 'probe', 'true'], { encoding: 'utf8' });
if (probe.status !== 0) {
  const why = (probe.error?.message ?? probe.stderr ?? '').trim();
  console.error(
    `[test] cannot create a private network namespace (${why || `exit ${probe.status}`}).\n` +
      (isRoot
        ? '[test] Install util-linux and iproute2 (apt-get install util-linux iproute2).\n'
        : '[test] Run as root, or enable unprivileged user namespaces: sudo sysctl -w kernel.unprivileged_userns_clone=1\n'),
  );
  process.exit(1);
}
const result = spawnSync('unshare', [...unshareArgs, 'sh', '-c', script, 'roomcast-tests', ...command], {
  stdio: 'inherit',
  env: { ...process.env, ROOMCAST_TEST_NETNS: '1' },
});
process.exit(result.status ?? (result.signal ? 128 : 1));
