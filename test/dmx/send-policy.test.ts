import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '../helpers/wait.ts';
import { frameOf, openTestOutput, slotPattern, type TestOutput } from './dmxTestKit.ts';
import { decodeArtDmx, decodeE131, fasterThan, gaps, udpReceiver, type ReceivedPacket } from './wirePackets.ts';

// What goes on the wire and when, counted at a UDP socket standing in for the receiver: send on change
// (paced to the refresh rate, latest frame wins), the same frame twice more, then keep-alives. Counts are
// exact; times are loose (arrivals are timestamped in JS on a shared machine; precise figures are in
// test/bench/dmx.bench.ts).

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function artnetToReceiver(extra: Record<string, unknown> = {}) {
  const receiver = await udpReceiver();
  cleanups.push(receiver.close);
  const opened: TestOutput = await openTestOutput({
    id: 'policy-artnet',
    protocol: 'artnet',
    artnet: { host: '127.0.0.1', port: receiver.port },
    universes: [{ universe: 1, portAddress: 5 }],
    ...extra,
  });
  cleanups.push(opened.close);
  return { receiver, ...opened };
}

describe('Art-Net send policy', () => {
  it('sends nothing before the first frame: a restart never blanks the rig', async () => {
    const { receiver } = await artnetToReceiver();
    await sleep(400);
    expect(receiver.packets).toHaveLength(0);
  });

  it('a static frame: sent at once, twice more at the refresh interval, then one keep-alive per keepAliveMs', async () => {
    const { receiver, output } = await artnetToReceiver({ keepAliveMs: 300 });
    const frame = slotPattern(42);
    const setAt = performance.now();
    output.setFrame(1, frame);
    await sleep(1250);

    const packets = receiver.packets.map((p) => ({ ...p, dmx: decodeArtDmx(p.data) }));
    for (const p of packets) {
      expect(p.dmx.portAddress).toBe(5);
      expect(p.dmx.slots).toEqual(Array.from(frame));
    }
    expect(packets[0]!.at - setAt).toBeLessThan(250); // on change: no waiting for a keep-alive
    const [repeat1, repeat2, ...keepAlives] = gaps(receiver.packets);
    // The two repeats follow at the refresh rate, well before the first keep-alive.
    expect(repeat1! + repeat2!).toBeLessThan(250);
    // ~1.2 s after the repeats with a 300 ms keep-alive: 3 or 4 keep-alives (2 on a very slow machine),
    // each sent 300 ms after the one before (compared cumulatively: single arrival times jitter).
    expect(keepAlives.length).toBeGreaterThanOrEqual(2);
    expect(keepAlives.length).toBeLessThanOrEqual(4);
    let sinceLastRepeat = 0;
    keepAlives.forEach((gap, k) => {
      sinceLastRepeat += gap;
      expect(sinceLastRepeat).toBeGreaterThanOrEqual((k + 1) * 300 - 30);
      expect(gap).toBeLessThan(700);
    });
  });

  it('the same frame again is not a change (the engine renders at 44 Hz whether or not anything moves)', async () => {
    const { receiver, output } = await artnetToReceiver({ keepAliveMs: 4000 });
    const frame = slotPattern(7);
    for (let i = 0; i < 60; i++) {
      output.setFrame(1, slotPattern(7)); // a fresh, equal buffer each time, as the engine hands them over
      await sleep(10);
    }
    expect(frame).toEqual(slotPattern(7));
    // ~650 ms (more on a busy machine, but well under 4 s): the change plus its two repeats, no keep-alive.
    expect(receiver.packets).toHaveLength(3);
  });

  it('frames changing faster than the refresh rate: at most one packet per 22.7 ms, each a frame that was set, the last one last', async () => {
    const { receiver, output } = await artnetToReceiver({ keepAliveMs: 1000 });
    const started = performance.now();
    let n = 0;
    let lastSetAt = started;
    while (performance.now() - started < 1000) {
      n++;
      lastSetAt = performance.now();
      output.setFrame(1, frameOf((slot) => (slot === 1 ? n & 0xff : slot === 2 ? n >> 8 : 9)));
      await sleep(3);
    }
    const last = n;
    // Pacing (TransmitSchedule): k + 1 packets take at least k intervals less 0.6 of one, and the last
    // frame goes out at most one interval after it was set.
    const interval = 1000 / 44;
    const mostChanges = 1 + Math.floor((lastSetAt + interval - started + 0.6 * interval) / interval);
    await waitFor('the last frame and its repeats', () => receiver.packets.length >= 3 && decodeArtDmx(receiver.packets.at(-1)!.data).slots[0] === (last & 0xff), 2000);
    await sleep(100);

    const counters = receiver.packets.map((p) => {
      const { slots } = decodeArtDmx(p.data);
      expect(slots[2]).toBe(9);
      return slots[0]! + (slots[1]! << 8);
    });
    expect(n).toBeGreaterThan(100); // many more frames than packets
    expect(receiver.packets.length).toBeLessThanOrEqual(mostChanges + 2); // + the last frame's two repeats
    expect(receiver.packets.length).toBeGreaterThanOrEqual(15);
    expect(fasterThan(receiver.packets, interval, { jitterMs: 25 })).toBeUndefined(); // no bursts
    // Never an old frame after a newer one; ends with the last frame, three times.
    for (let i = 1; i < counters.length; i++) expect(counters[i]).toBeGreaterThanOrEqual(counters[i - 1]!);
    expect(counters.slice(-3)).toEqual([last, last, last]);
  });

  it('many universes changing at once are paced per universe: every final frame arrives, no universe above 44 Hz', async () => {
    const receiver = await udpReceiver();
    cleanups.push(receiver.close);
    const universes = Array.from({ length: 16 }, (_, i) => ({ universe: i + 1, portAddress: i }));
    const { output, close } = await openTestOutput({ id: 'policy-many', protocol: 'artnet', artnet: { host: '127.0.0.1', port: receiver.port }, universes });
    cleanups.push(close);
    const started = performance.now();
    let n = 0;
    while (performance.now() - started < 600) {
      n++;
      for (const { universe } of universes) output.setFrame(universe, frameOf((slot) => (slot === 1 ? n : universe * 10 + (slot % 7))));
      await sleep(2);
    }
    await sleep(300);
    const byUniverse = new Map<number, ReceivedPacket[]>();
    for (const p of receiver.packets) {
      const { portAddress } = decodeArtDmx(p.data);
      byUniverse.set(portAddress, [...(byUniverse.get(portAddress) ?? []), p]);
    }
    for (const { universe, portAddress } of universes) {
      const packets = byUniverse.get(portAddress) ?? [];
      expect(packets.length, `universe ${universe}`).toBeLessThanOrEqual(Math.ceil(0.6 * 44) + 4);
      expect(fasterThan(packets, 1000 / 44, { jitterMs: 25 }), `universe ${universe}`).toBeUndefined();
      expect(decodeArtDmx(packets.at(-1)!.data).slots).toEqual(Array.from(frameOf((slot) => (slot === 1 ? n : universe * 10 + (slot % 7)))));
    }
  });
});

describe('Art-Net to a broadcast address', () => {
  it('works from the first frame (dmxnet binds with SO_BROADCAST first; nothing is dropped meanwhile)', async () => {
    const receiver = await udpReceiver('0.0.0.0');
    cleanups.push(receiver.close);
    const { output, close } = await openTestOutput({ id: 'policy-broadcast', protocol: 'artnet', artnet: { host: '127.255.255.255', port: receiver.port }, universes: [{ universe: 1, portAddress: 9 }] });
    cleanups.push(close);
    output.setFrame(1, slotPattern(99));
    await waitFor('three packets', () => receiver.packets.length >= 3);
    for (const p of receiver.packets) expect(decodeArtDmx(p.data)).toMatchObject({ portAddress: 9, slots: Array.from(slotPattern(99)) });
  });
});

describe('sACN send policy', () => {
  it('at most 40 Hz while changing; static: three packets, then one per second (E1.31 6.6), same CID, name and priority throughout', async () => {
    const receiver = await udpReceiver();
    cleanups.push(receiver.close);
    const { output, close } = await openTestOutput({
      id: 'policy-sacn',
      protocol: 'sacn',
      sacn: { ip: '127.0.0.1', port: receiver.port, priority: 150, sourceName: 'Roomcast test' },
      universes: [{ universe: 1, sacnUniverse: 12 }],
    });
    cleanups.push(close);

    const started = performance.now();
    let n = 0;
    while (performance.now() - started < 500) {
      output.setFrame(1, frameOf((slot) => (slot === 512 ? ++n : 1)));
      await sleep(4);
    }
    const changingUntil = performance.now();
    await sleep(2400);

    const packets = receiver.packets.map((p) => ({ at: p.at, e131: decodeE131(p.data) }));
    const changing = packets.filter((p) => p.at <= changingUntil + 1);
    expect(changing.length).toBeLessThanOrEqual(Math.ceil(0.5 * 40) + 2);
    expect(fasterThan(receiver.packets, 1000 / 40, { jitterMs: 25 })).toBeUndefined(); // 40 Hz: 25 ms apart

    const staticPackets = packets.filter((p) => p.e131.slots[511] === n);
    // The last frame three times at the refresh rate, then keep-alives 1 s apart: ~2.3 s -> 2 keep-alives.
    expect(staticPackets.length).toBeGreaterThanOrEqual(4);
    expect(staticPackets.length).toBeLessThanOrEqual(5);
    const staticGaps = gaps(staticPackets.map((p) => ({ at: p.at, data: Buffer.alloc(0) })));
    expect(staticGaps.slice(2).every((g) => g >= 970 && g < 1400)).toBe(true);

    const first = packets[0]!.e131;
    for (const { e131 } of packets) {
      expect(e131).toMatchObject({ universe: 12, priority: 150, sourceName: 'Roomcast test', startCode: 0, cid: first.cid });
      expect(e131.slots).toHaveLength(512);
    }
    expect(first.cid).not.toBe(Buffer.from('kyleHenselDefaul').toString('hex')); // not the library's shared default CID
    // Sequence numbers increase by one per packet (receivers drop out-of-order ones).
    for (let i = 1; i < packets.length; i++) expect(packets[i]!.e131.sequence).toBe((packets[i - 1]!.e131.sequence + 1) % 256);
  });
});
