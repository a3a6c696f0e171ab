import { DmxConfigSchema } from '../../adapters/dmx/DmxConfig.ts';
import { DmxTransmitter } from '../../adapters/dmx/DmxTransmitter.ts';
import { HealthRegistry } from '../../server/health/HealthRegistry.ts';
import { createLogger } from '../../server/log/logger.ts';
import type { HealthEntry } from '../../server/protocol/health.ts';

/** A DmxTransmitter opened from one `dmx.outputs[]` entry, as roomcast.yaml would give it, with its health entry. */
export interface TestOutput {
  output: DmxTransmitter;
  health(): HealthEntry;
  close(): Promise<void>;
}

export async function openTestOutput(entry: Record<string, unknown>): Promise<TestOutput> {
  const config = DmxConfigSchema.parse({ outputs: [entry] }).outputs[0]!;
  const registry = new HealthRegistry();
  const name = `adapter:dmx:${config.id}`;
  const reporter = registry.register(name, { kind: 'adapter', critical: false });
  const output = await DmxTransmitter.open(config, { logger: createLogger({ level: 'silent' }), health: reporter });
  return {
    output,
    health: () => registry.list().find((e) => e.name === name)!,
    close: () => output.close(),
  };
}

/** 512 slots where slot s holds f(s) (`frame[0]` is slot 1). */
export function frameOf(f: (slot: number) => number): Uint8Array {
  return Uint8Array.from({ length: 512 }, (_, i) => f(i + 1) & 0xff);
}

/**
 * A pattern no shift maps onto itself: slot s -> (s * step + offset) mod 256 with an odd step, so an
 * off-by-one (or any shift below 256) changes every value. Different offsets tell universes apart.
 */
export function slotPattern(offset: number, step = 37): Uint8Array {
  return frameOf((slot) => slot * step + offset);
}
