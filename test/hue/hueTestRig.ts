import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { HueBridge } from '../../adapters/hue/HueBridge.ts';
import type { HueSettings } from '../../adapters/hue/hueConfig.ts';
import { HuePairingStore } from '../../adapters/hue/HuePairingStore.ts';
import { HealthRegistry } from '../../server/health/HealthRegistry.ts';
import { createLogger } from '../../server/log/logger.ts';
import type { HealthEntry } from '../../server/protocol/health.ts';
import { HueBridgeEmulator, type HueBridgeEmulatorOptions } from '../peers/hue/HueBridgeEmulator.ts';
import { waitFor } from '../helpers/wait.ts';

export const TEST_USERNAME = 'roomcast-test-username-0123456789abcdefgh';

/** A real HueBridge (node-hue-api over HTTP) wired to a running emulated bridge, with its health and logs. */
export interface HueTestRig {
  emulator: HueBridgeEmulator;
  bridge: HueBridge;
  health: HealthRegistry;
  /** Every health change of the bridge's entry, in order. */
  healthHistory: HealthEntry[];
  /** Log lines (JSON) the adapter wrote. */
  logs: string[];
  current(): HealthEntry;
  waitForHealth(state: HealthEntry['state'], timeoutMs?: number): Promise<HealthEntry>;
  dispose(): Promise<void>;
}

export async function startHueRig(options: { emulator?: HueBridgeEmulatorOptions; settings?: Partial<HueSettings>; connect?: boolean } = {}): Promise<HueTestRig> {
  const emulator = new HueBridgeEmulator({ usernames: [TEST_USERNAME], ...options.emulator });
  await emulator.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-hue-'));
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', pretty: false, destination });
  const health = new HealthRegistry();
  const healthHistory: HealthEntry[] = [];
  health.on('change', (e) => healthHistory.push(e));
  const settings: HueSettings = {
    lightCommandsPerSecond: 10,
    groupCommandsPerSecond: 1,
    pollIntervalMs: 200,
    pairingTimeoutMs: 3_000,
    requestTimeoutMs: 1_000,
    ...options.settings,
  };
  const bridge = new HueBridge({
    config: { id: 'test', host: '127.0.0.1', port: emulator.port, token: TEST_USERNAME },
    settings,
    pairings: new HuePairingStore(dir, logger),
    health: health.register('adapter:hue:test', { kind: 'adapter', critical: false }),
    logger,
  });
  const current = () => health.list().find((e) => e.name === 'adapter:hue:test')!;
  const rig: HueTestRig = {
    emulator,
    bridge,
    health,
    healthHistory,
    logs,
    current,
    waitForHealth: (state, timeoutMs = 10_000) => waitFor(`adapter:hue:test to be ${state}`, () => (current().state === state ? current() : undefined), timeoutMs, 20),
    async dispose() {
      await bridge.stop();
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  bridge.start();
  if (options.connect !== false) await rig.waitForHealth('ok');
  return rig;
}

/** A deterministic pseudo-random sequence (tests must fail the same way twice). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}
