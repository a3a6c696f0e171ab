import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hueFeature } from '../../adapters/hue/hueFeature.ts';
import { ConfigError, loadConfig } from '../../server/config/loadConfig.ts';
import { configSchemaFor } from '../../server/config/schema.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-hue-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Problems `roomcast config check` would print for this roomcast.yaml. */
function problemsOf(yaml: string): string[] {
  const file = path.join(dir, 'roomcast.yaml');
  writeFileSync(file, yaml);
  try {
    loadConfig({ file, env: {}, cwd: dir, schema: configSchemaFor([hueFeature]) });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('hue config section', () => {
  it('defaults: no bridges, the bridge limits, port 80', () => {
    const file = path.join(dir, 'ok.yaml');
    writeFileSync(file, 'hue:\n  bridges:\n    - id: living\n      host: 192.168.1.20\n');
    const { config } = loadConfig({ file, env: {}, cwd: dir, schema: configSchemaFor([hueFeature]) });
    expect(config['hue']).toEqual({
      bridges: [{ id: 'living', host: '192.168.1.20', port: 80 }],
      lightCommandsPerSecond: 10,
      groupCommandsPerSecond: 1,
      pollIntervalMs: 5_000,
      pairingTimeoutMs: 30_000,
      requestTimeoutMs: 5_000,
    });
  });

  it('names the path and the line of every problem', () => {
    const problems = problemsOf(
      ['hue:', '  lightCommandsPerSecond: 25', '  bridges:', '    - id: living', '      host: 127.0.0.1', '      port: 70000', '    - id: "bad id!"', '      hots: 10.0.0.2'].join('\n'),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^roomcast\.yaml:2:\d+: hue\.lightCommandsPerSecond: .*10/),
        expect.stringMatching(/^roomcast\.yaml:6:\d+: hue\.bridges\[0\]\.port: .*65535/),
        expect.stringMatching(/^roomcast\.yaml:7:\d+: hue\.bridges\[1\]\.id: must be 1-64 letters/),
        expect.stringMatching(/hue\.bridges\[1\]\.host: required key is missing/),
        expect.stringMatching(/^roomcast\.yaml:8:\d+: hue\.bridges\[1\]\.hots: unknown key \(did you mean "host"\?\)/),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('refuses two entries for one bridge id or one address', () => {
    const problems = problemsOf(
      ['hue:', '  bridges:', '    - { id: living, host: 10.0.0.5 }', '    - { id: Living, host: 10.0.0.6 }', '    - { id: stage, host: 10.0.0.5, port: 80 }'].join('\n'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/hue\.bridges\[1\]\.id: duplicate bridge id "Living" \(also bridges\[0\]\)/),
      expect.stringMatching(/hue\.bridges\[2\]\.host: bridges\[0\] already uses 10\.0\.0\.5:80/),
    ]);
  });
});
