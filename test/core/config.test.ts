import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/loadConfig.ts';
import { ROOMCAST_BIN } from '../helpers/roomcastProcess.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-config-'));
function file(name: string, yaml: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, yaml);
  return p;
}
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('roomcast.yaml validation', () => {
  it('runs on embedded defaults: loopback, the documented port, a demo room', () => {
    const { config, file: used } = loadConfig({ env: {}, cwd: dir });
    expect(used).toBeUndefined();
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.server.port).toBe(8480);
    expect(config.rooms).toEqual([{ id: 'demo', name: 'Demo room' }]);
    expect(config.redis.url).toBeUndefined();
  });

  it('names the path, the line and the problem for a wrong type', () => {
    const problems = problemsOf(() => loadConfig({ file: file('type.yaml', 'server:\n  port: "eighty"\n'), env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/type\.yaml:2:3: server\.port: expected number, got string/);
  });

  it('rejects an unknown key and suggests the one meant', () => {
    const problems = problemsOf(() => loadConfig({ file: file('unknown.yaml', 'server:\n  prot: 9000\n'), env: {} }));
    expect(problems[0]).toMatch(/unknown\.yaml:2:3: server\.prot: unknown key \(did you mean "port"\?\)/);
  });

  it('rejects an unknown top-level section', () => {
    const problems = problemsOf(() => loadConfig({ file: file('top.yaml', 'lightz: {}\n'), env: {} }));
    expect(problems[0]).toMatch(/lightz: unknown key/);
  });

  it('reports a missing required key with its full path', () => {
    const problems = problemsOf(() => loadConfig({ file: file('missing.yaml', 'rooms:\n  - name: Lobby\n'), env: {} }));
    expect(problems[0]).toMatch(/rooms\[0\]\.id: required key is missing/);
  });

  it('lists every problem at once, not just the first', () => {
    const problems = problemsOf(() =>
      loadConfig({ file: file('many.yaml', 'server:\n  port: 70000\nlog:\n  level: loud\nrooms:\n  - id: a\n  - id: a\n'), env: {} }),
    );
    expect(problems.join('\n')).toMatch(/server\.port: .*65535/);
    expect(problems.join('\n')).toMatch(/log\.level: must be one of "fatal"/);
    expect(problems.join('\n')).toMatch(/rooms\[1\]\.id: duplicate room id "a"/);
  });

  it('reports YAML syntax errors with line and column', () => {
    const problems = problemsOf(() => loadConfig({ file: file('syntax.yaml', 'server:\n  port: [1, 2\n'), env: {} }));
    expect(problems[0]).toMatch(/syntax\.yaml:\d+:\d+ YAML syntax/);
  });

  it('applies the documented environment overrides over the file', () => {
    const { config, dataDir } = loadConfig({
      file: file('env.yaml', 'server:\n  port: 9000\n'),
      env: { ROOMCAST_PORT: '9100', ROOMCAST_HOST: '0.0.0.0', ROOMCAST_DATA_DIR: '/tmp/rc-data', REDIS_URL: 'redis://127.0.0.1:6390', ROOMCAST_LOG__LEVEL: 'debug', ROOMCAST_AUTH__MAX_FAILURES: '3' },
    });
    expect(config.server.port).toBe(9100);
    expect(config.server.host).toBe('0.0.0.0');
    expect(dataDir).toBe('/tmp/rc-data');
    expect(config.redis.url).toBe('redis://127.0.0.1:6390');
    expect(config.log.level).toBe('debug');
    expect(config.auth.maxFailures).toBe(3);
  });

  it('names the environment variable when an override is wrong or unknown', () => {
    const problems = problemsOf(() => loadConfig({ env: { ROOMCAST_PORT: 'abc', ROOMCAST_LOGG__LEVEL: 'x' }, cwd: dir }));
    expect(problems.join('\n')).toMatch(/environment ROOMCAST_PORT \(server\.port\): expected number/);
    expect(problems.join('\n')).toMatch(/environment ROOMCAST_LOGG__LEVEL: no such setting/);
  });

  it('resolves a relative data dir against the config file folder', () => {
    const { dataDir } = loadConfig({ file: file('rel.yaml', 'dataDir: state\n'), env: {}, cwd: '/' });
    expect(dataDir).toBe(path.join(dir, 'state'));
  });
});

describe('roomcast config check', () => {
  const check = (...args: string[]) =>
    spawnSync(process.execPath, [ROOMCAST_BIN, 'config', 'check', ...args], { encoding: 'utf8', cwd: dir, env: { PATH: process.env.PATH } });

  it('exits 0 and summarises a valid file', () => {
    const res = check(file('ok.yaml', 'server:\n  port: 9001\nrooms:\n  - id: lobby\n'));
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/OK: .*ok\.yaml is valid \(listening on 127\.0\.0\.1:9001, 1 room/);
  });

  it('exits 1 and prints every problem for an invalid file', () => {
    const res = check(file('bad.yaml', 'server:\n  prot: 1\n'));
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/server\.prot: unknown key/);
  });

  it('exits 2 when the file does not exist', () => {
    const res = check(path.join(dir, 'nope.yaml'));
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/file not found: .*nope\.yaml/);
  });
});
