import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedChannels, driverKey, DRIVER_KEY_OF_SLOT_1 } from '../../adapters/dmx/channelNumbering.ts';
import { DmxConfigSchema, formatPortAddress } from '../../adapters/dmx/DmxConfig.ts';
import { dmxFeature } from '../../adapters/dmx/dmxFeature.ts';
import { configSchemaFor } from '../../server/config/schema.ts';
import { ConfigError, loadConfig } from '../../server/config/loadConfig.ts';
import { frameOf } from './dmxTestKit.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-dmx-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const schema = configSchemaFor([dmxFeature]);

/** The problems `roomcast config check` would print for this roomcast.yaml. */
function problemsOf(yaml: string): string[] {
  const file = path.join(dir, `roomcast-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  try {
    loadConfig({ file, env: {}, cwd: dir, schema });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.replace(/^roomcast-\w+\.yaml/, 'roomcast.yaml'));
    throw err;
  }
  return [];
}

describe('dmx config section', () => {
  it('is optional: no section means no outputs', () => {
    const { config } = loadConfig({ env: {}, cwd: dir, schema });
    expect(config['dmx']).toEqual({ outputs: [] });
  });

  it('fills in per-protocol defaults: loopback Art-Net, Port-Address = universe - 1, sACN universe = universe, 40 Hz for sACN', () => {
    const { outputs } = DmxConfigSchema.parse({
      outputs: [
        { id: 'stage', protocol: 'artnet', universes: [{ universe: 1 }, { universe: 2, portAddress: '1:2:3' }, { universe: 3, portAddress: 300 }] },
        { id: 'house', protocol: 'sacn', universes: [{ universe: 4 }, { universe: 5, sacnUniverse: 63999 }] },
        { id: 'desk', protocol: 'enttec', universes: [{ universe: 6 }] },
      ],
    });
    expect(outputs[0]).toEqual({
      id: 'stage',
      protocol: 'artnet',
      refreshHz: 44,
      keepAliveMs: 1000,
      artnet: { host: '127.0.0.1', port: 6454 },
      universes: [
        { universe: 1, portAddress: 0 },
        { universe: 2, portAddress: (1 << 8) | (2 << 4) | 3 },
        { universe: 3, portAddress: 300 },
      ],
    });
    expect(formatPortAddress(300)).toBe('1:2:12');
    expect(outputs[1]).toMatchObject({
      refreshHz: 40,
      keepAliveMs: 1000,
      sacn: { ip: undefined, port: 5568, priority: 100, sourceName: 'Roomcast house' },
      universes: [
        { universe: 4, sacnUniverse: 4 },
        { universe: 5, sacnUniverse: 63999 },
      ],
    });
    expect(outputs[2]).toMatchObject({ refreshHz: 44, enttec: { port: '/dev/ttyUSB0', retryMs: 1000 }, universes: [{ universe: 6 }] });
  });

  it('names every wrong value in an output with its place in the file', () => {
    const problems = problemsOf(`
dmx:
  outputs:
    - id: stage
      protocol: artnet
      refreshHz: 50
      artnet: { hots: 2.0.0.10 }
      sacn: { priority: 100 }
      universes:
        - { universe: 1, sacnUniverse: 3 }
        - { universe: 2, portAddress: "200:1:1" }
        - { universe: 3, portAddress: "x" }
    - id: house
      protocol: sacn
      keepAliveMs: 2000
      refreshHz: 44
      sacn: { priority: 0, ip: "not-an-ip" }
      universes: [ { universe: 4, sacnUniverse: 64000 } ]
    - id: desk
      protocol: enttec
      universes: [ { universe: 5 }, { universe: 6 } ]
    - id: "bad id!"
      protocol: dmx512
      universes: []
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^roomcast\.yaml:7:\d+: dmx\.outputs\[0\]\.artnet\.hots: unknown key \(did you mean "host"\?\)$/),
        expect.stringMatching(/dmx\.outputs\[0\]\.universes\[1\]\.portAddress: "200:1:1": net must be 0\.\.127, subnet and universe 0\.\.15$/),
        expect.stringMatching(/dmx\.outputs\[0\]\.universes\[2\]\.portAddress: "x": must be "net:subnet:universe"/),
        expect.stringMatching(/dmx\.outputs\[1\]\.sacn\.priority: .*1/),
        expect.stringMatching(/dmx\.outputs\[1\]\.sacn\.ip: must be an IPv4 address/),
        expect.stringMatching(/dmx\.outputs\[1\]\.universes\[0\]\.sacnUniverse: .*63999/),
        expect.stringMatching(/dmx\.outputs\[3\]\.id: must be 1-64 letters/),
        expect.stringMatching(/dmx\.outputs\[3\]\.protocol: must be one of "artnet", "sacn", "enttec"$/),
        expect.stringMatching(/dmx\.outputs\[3\]\.universes: list at least one universe$/),
      ]),
    );
  });

  it('checks what only makes sense per protocol: blocks and mapping keys of other protocols, rate and keep-alive limits', () => {
    const problems = problemsOf(`
dmx:
  outputs:
    - id: stage
      protocol: artnet
      refreshHz: 50
      sacn: { priority: 100 }
      universes: [ { universe: 1, sacnUniverse: 3 } ]
    - id: house
      protocol: sacn
      refreshHz: 44
      keepAliveMs: 2000
      universes: [ { universe: 4, portAddress: 1 } ]
    - id: desk
      protocol: enttec
      universes: [ { universe: 5 }, { universe: 6 } ]
`);
    expect(problems).toEqual([
      expect.stringMatching(/^roomcast\.yaml:7:7: dmx\.outputs\[0\]\.sacn: only allowed when protocol is "sacn" \(this output's protocol is "artnet"\)$/),
      expect.stringMatching(/dmx\.outputs\[0\]\.refreshHz: must be at most 44 for artnet$/),
      expect.stringMatching(/dmx\.outputs\[0\]\.universes\[0\]\.sacnUniverse: only for sACN outputs/),
      expect.stringMatching(/dmx\.outputs\[1\]\.refreshHz: must be at most 40 for sacn$/),
      expect.stringMatching(/dmx\.outputs\[1\]\.keepAliveMs: must be 20\.\.1000 ms for sacn$/),
      expect.stringMatching(/dmx\.outputs\[1\]\.universes\[0\]\.portAddress: only for Art-Net outputs/),
      expect.stringMatching(/dmx\.outputs\[2\]\.universes: an Enttec USB DMX Pro carries one universe \(got 2\)$/),
    ]);
  });

  it('rejects duplicate ids, a universe mapped twice and two outputs fighting over one wire universe or port', () => {
    const problems = problemsOf(`
dmx:
  outputs:
    - id: stage
      protocol: artnet
      universes: [ { universe: 1 }, { universe: 2, portAddress: 0 } ]
    - id: stage
      protocol: sacn
      universes: [ { universe: 1 } ]
    - id: usb-a
      protocol: enttec
      universes: [ { universe: 7 } ]
    - id: usb-b
      protocol: enttec
      universes: [ { universe: 8 } ]
`);
    expect(problems).toEqual([
      expect.stringMatching(/dmx\.outputs\[0\]\.universes\[1\]: Art-Net 0:0:0 to 127\.0\.0\.1:6454 is already used by output "stage"$/),
      expect.stringMatching(/dmx\.outputs\[1\]\.id: duplicate output id "stage" \(also outputs\[0\]\)$/),
      expect.stringMatching(/dmx\.outputs\[1\]\.universes\[0\]\.universe: universe 1 is already mapped by output "stage"$/),
      expect.stringMatching(/dmx\.outputs\[3\]\.universes\[0\]: serial port \/dev\/ttyUSB0 is already used by output "usb-a"$/),
    ]);
  });

  it('accepts the same Port-Address on two different Art-Net nodes', () => {
    expect(
      problemsOf(`
dmx:
  outputs:
    - { id: left, protocol: artnet, artnet: { host: 2.0.0.10 }, universes: [ { universe: 1, portAddress: 0 } ] }
    - { id: right, protocol: artnet, artnet: { host: 2.0.0.11 }, universes: [ { universe: 2, portAddress: 0 } ] }
`),
    ).toEqual([]);
  });
});

describe('channel numbering: the one place dmx-ts keys are made', () => {
  it('Art-Net keys count from 0, sACN and Enttec keys from 1 (DMX slots always from 1)', () => {
    expect(DRIVER_KEY_OF_SLOT_1).toEqual({ artnet: 0, sacn: 1, enttec: 1 });
    expect([driverKey('artnet', 1), driverKey('artnet', 512)]).toEqual([0, 511]);
    expect([driverKey('sacn', 1), driverKey('sacn', 512)]).toEqual([1, 512]);
    expect([driverKey('enttec', 1), driverKey('enttec', 512)]).toEqual([1, 512]);
    expect(() => driverKey('artnet', 0)).toThrow(/outside 1\.\.512/);
    expect(() => driverKey('sacn', 513)).toThrow(/outside 1\.\.512/);
  });

  it('passes only changed slots, under the protocol\'s keys', () => {
    const before = frameOf(() => 0);
    const after = frameOf((slot) => (slot === 1 ? 10 : slot === 512 ? 20 : 0));
    // What the drivers see: they walk the keys with for...in.
    const keyed = (changes: object) => ({ ...changes });
    expect(keyed(changedChannels('artnet', after, before))).toEqual({ 0: 10, 511: 20 });
    expect(keyed(changedChannels('sacn', after, before))).toEqual({ 1: 10, 512: 20 });
    expect(keyed(changedChannels('enttec', after, before))).toEqual({ 1: 10, 512: 20 });
    expect(keyed(changedChannels('artnet', after, after))).toEqual({});
    // A slot going back to zero is a change too.
    expect(keyed(changedChannels('sacn', before, after))).toEqual({ 1: 0, 512: 0 });
  });
});
