import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dmxFeature } from '../../adapters/dmx/dmxFeature.ts';
import type { DmxOutput } from '../../adapters/lights/LightOutputs.ts';
import { Roomcast } from '../../server/Roomcast.ts';
import { configSchemaFor } from '../../server/config/schema.ts';
import { loadConfig } from '../../server/config/loadConfig.ts';
import { defineFeature, type Feature } from '../../server/features/Feature.ts';
import { createLogger } from '../../server/log/logger.ts';
import { freePort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait.ts';
import { startOla, type OlaPeer } from '../peers/ola.ts';
import { slotPattern } from './dmxTestKit.ts';

// The `dmx` feature inside a real Roomcast: outputs from roomcast.yaml, offered to later features as
// 'dmx.outputs' (what the lights engine uses), one health entry each, metrics, and closed on stop.

let outputs: readonly DmxOutput[] = [];
const probe = defineFeature({
  name: 'dmxProbe',
  configSchema: z.strictObject({}),
  start(ctx) {
    outputs = ctx.use('dmx.outputs');
  },
});
const features: Feature[] = [dmxFeature, probe];

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-dmx-feature-'));
let ola: OlaPeer;
let roomcast: Roomcast | undefined;

beforeAll(async () => {
  ola = await startOla({ artnet: [16, 17], sacn: [21] });
});
afterAll(async () => {
  await roomcast?.stop();
  await ola?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('dmx feature', () => {
  it('offers the configured outputs as dmx.outputs, reports their health, counts packets and closes them on stop', async () => {
    const file = path.join(dir, 'roomcast.yaml');
    writeFileSync(
      file,
      `
dmx:
  outputs:
    - id: stage
      protocol: artnet
      artnet: { host: ${ola.artnet.host}, port: ${ola.artnet.port} }
      universes:
        - { universe: 1, portAddress: "0:1:0" }
        - { universe: 2, portAddress: "0:1:1" }
    - id: house
      protocol: sacn
      sacn: { ip: ${ola.sacn.ip}, port: ${ola.sacn.port} }
      universes: [ { universe: 3, sacnUniverse: 21 } ]
    - id: desk
      protocol: enttec
      enttec: { port: ${path.join(dir, 'ttyUSB-absent')} }
      universes: [ { universe: 4 } ]
`,
    );
    const loaded = loadConfig({ file, env: { ROOMCAST_PORT: String(await freePort()), ROOMCAST_DATA_DIR: path.join(dir, 'data') }, cwd: dir, schema: configSchemaFor(features) });
    roomcast = await Roomcast.start({ loaded, logger: createLogger({ level: 'silent' }), features });

    expect(outputs.map((o) => [o.id, [...o.universes]])).toEqual([
      ['stage', [1, 2]],
      ['house', [3]],
      ['desk', [4]],
    ]);
    const [stage, house, desk] = outputs as [DmxOutput, DmxOutput, DmxOutput];
    stage.setFrame(1, slotPattern(1));
    stage.setFrame(2, slotPattern(2));
    house.setFrame(3, slotPattern(3));
    desk.setFrame(4, slotPattern(4)); // no port: kept until it appears
    expect(() => stage.setFrame(3, slotPattern(0))).toThrow(/does not carry universe 3 \(it carries 1, 2\)/);
    expect(() => stage.setFrame(1, new Uint8Array(24))).toThrow(/512 slots, got 24/);

    expect(await ola.waitForArtnet(16, (s) => s[511] === slotPattern(1)[511], 'universe 1')).toEqual(Array.from(slotPattern(1)));
    expect(await ola.waitForArtnet(17, (s) => s[511] === slotPattern(2)[511], 'universe 2')).toEqual(Array.from(slotPattern(2)));
    expect(await ola.waitForSacn(21, (s) => s[511] === slotPattern(3)[511], 'universe 3')).toEqual(Array.from(slotPattern(3)));

    const registry = roomcast.services.health;
    const health = () => new Map(registry.list().map((e) => [e.name, e]));
    await waitFor('every DMX output to report', () => health().get('adapter:dmx:desk')?.state === 'degraded');
    expect(health().get('adapter:dmx:stage')).toMatchObject({ state: 'ok', kind: 'adapter', critical: false });
    expect(health().get('adapter:dmx:house')).toMatchObject({ state: 'ok' });
    expect(health().get('adapter:dmx:desk')!.reason).toMatch(/ttyUSB-absent unavailable/);
    // A missing USB widget is not a reason to refuse traffic.
    expect(roomcast.services.health.readiness().ready).toBe(true);

    const metrics = await roomcast.services.metrics.registry.metrics();
    const sent = (output: string) => Number(new RegExp(`roomcast_dmx_packets_total\\{output="${output}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(sent('stage')).toBeGreaterThanOrEqual(2);
    expect(sent('house')).toBeGreaterThanOrEqual(1);

    await roomcast.stop();
    roomcast = undefined;
    for (const id of ['stage', 'house', 'desk']) expect(health().get(`adapter:dmx:${id}`)).toMatchObject({ state: 'down', reason: 'stopped' });
  });
});
