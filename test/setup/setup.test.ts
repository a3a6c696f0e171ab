import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/roomcastProcess.ts';
// @ts-expect-error plain ESM without types: setup runs before dependencies exist
import { ensureMediasoupWorker, workerBinaryPath } from '../../server/setup/mediasoup-worker.mjs';
// @ts-expect-error plain ESM without types
import { npmDependenciesCurrent } from '../../server/setup/npmDependencies.mjs';
// @ts-expect-error plain ESM without types
import { webSourcesHash } from '../../server/setup/webBundles.mjs';

const setup = (...args: string[]) => spawnSync(process.execPath, ['server/setup/setup.mjs', ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });

describe('npm run setup', () => {
  it('installs nothing on a second run (npm test already ran it)', () => {
    const res = setup('--for', 'test');
    expect(res.status).toBe(0);
    expect(res.stderr).toMatch(/\[setup\] everything is in place \(\d+\.\d s\)/);
    expect(res.stderr).not.toMatch(/installing|npm ci|building/);
    expect(npmDependenciesCurrent(PROJECT_ROOT)).toBe(true);
  });

  it('rejects an unknown purpose', () => {
    const res = setup('--for', 'production');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/--for must be start, test or bench/);
  });

  it('without root, names the exact apt-get command for what is missing and fails', () => {
    // A real unprivileged user runs the real apt check against a package this machine cannot have.
    const script = `
      const { ensureAptPackages, SetupError } = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'server/setup/aptPackages.mjs'))});
      try { ensureAptPackages(['redis-server', 'roomcast-test-no-such-package'], { log: () => {}, why: 'Roomcast' }); }
      catch (err) { if (err instanceof SetupError) { console.log(err.message); console.log(err.commands.join('\\n')); process.exit(1); } throw err; }`;
    const res = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: '/',
    });
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/Roomcast needs Debian packages that are not installed: roomcast-test-no-such-package\. Run:/);
    expect(res.stdout).toContain('sudo apt-get update');
    expect(res.stdout).toContain('sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends roomcast-test-no-such-package');
    expect(res.stdout).not.toMatch(/install .*redis-server/); // installed packages are not listed
  });

  it('lets a fresh clone reuse the mediasoup worker cached outside the clone', async () => {
    const clone = mkdtempSync(path.join(os.tmpdir(), 'roomcast-clone-'));
    try {
      writeFileSync(path.join(clone, 'package.json'), '{"name":"roomcast-clone","type":"module"}');
      mkdirSync(path.join(clone, 'node_modules/mediasoup'), { recursive: true });
      copyFileSync(path.join(PROJECT_ROOT, 'node_modules/mediasoup/package.json'), path.join(clone, 'node_modules/mediasoup/package.json'));
      const lines: string[] = [];
      const started = Date.now();
      const result = await ensureMediasoupWorker({ projectRoot: clone, log: (l: string) => lines.push(l) });
      expect(result.source).toBe('cache');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(existsSync(workerBinaryPath(clone))).toBe(true);
      expect(lines.join('\n')).toMatch(/restored mediasoup-worker from cache/);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('rebuilds the browser pages only when their sources change', () => {
    const before = webSourcesHash(PROJECT_ROOT);
    expect(webSourcesHash(PROJECT_ROOT)).toBe(before);
    const probe = path.join(PROJECT_ROOT, 'overlay', 'zz-hash-probe.ts');
    writeFileSync(probe, 'export {};');
    try {
      expect(webSourcesHash(PROJECT_ROOT)).not.toBe(before);
    } finally {
      rmSync(probe);
    }
    expect(webSourcesHash(PROJECT_ROOT)).toBe(before);
  });
});
