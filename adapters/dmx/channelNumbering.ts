import type { UniverseData } from 'dmx-ts';
import { DMX_SLOT_COUNT, type DmxProtocol } from './DmxConfig.ts';

/**
 * THE place where DMX slot numbers become dmx-ts channel keys. The drivers disagree:
 * - Art-Net (dmxnet underneath) indexes its 512 values from 0: key 1 lands on slot 2, key 512 throws;
 * - sACN and the serial drivers (Enttec) number slots from 1, like the DMX standard.
 * Nothing else in Roomcast builds channel keys; the OLA tests prove slot 1 and slot 512 land exactly.
 */
export const DRIVER_KEY_OF_SLOT_1: Readonly<Record<DmxProtocol, 0 | 1>> = {
  artnet: 0,
  sacn: 1,
  enttec: 1,
};

/** The dmx-ts key that addresses DMX slot `slot` (1..512) on `protocol`. */
export function driverKey(protocol: DmxProtocol, slot: number): number {
  if (!Number.isInteger(slot) || slot < 1 || slot > DMX_SLOT_COUNT) throw new RangeError(`DMX slot ${slot} is outside 1..${DMX_SLOT_COUNT}`);
  return slot - 1 + DRIVER_KEY_OF_SLOT_1[protocol];
}

/**
 * The slots of `next` that differ from `previous`, keyed for `protocol`'s driver (`next[0]` is slot 1).
 * Drivers keep the whole universe and put all 512 slots in every packet, so only changes need passing in;
 * an unchanged frame gives no keys, which still makes the driver send (a keep-alive). A sparse array
 * rather than an object: the drivers only `for...in` over it, and V8 builds it about 2.5x faster.
 */
export function changedChannels(protocol: DmxProtocol, next: Uint8Array, previous: Uint8Array): UniverseData {
  const base = DRIVER_KEY_OF_SLOT_1[protocol];
  const changes: number[] = [];
  for (let i = 0; i < DMX_SLOT_COUNT; i++) {
    const value = next[i]!;
    if (value !== previous[i]) changes[i + base] = value;
  }
  return changes;
}
