import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOla, type OlaPeer } from '../peers/ola.ts';
import { sleep } from '../helpers/wait.ts';
import { frameOf, openTestOutput, slotPattern, type TestOutput } from './dmxTestKit.ts';

// What a real receiver (OLA 0.10) holds, slot by slot, after Roomcast's DMX outputs send: the proof that
// dmx-ts's per-driver channel numbering is normalised (Art-Net counts from 0, sACN from 1).

const asArray = (frame: Uint8Array) => Array.from(frame);

let ola: OlaPeer;
const opened: TestOutput[] = [];

beforeAll(async () => {
  ola = await startOla({ artnet: [0, 1, 2, 3], sacn: [1, 7, 63999, 8] });
});

// One sender per universe at a time: OLA would merge two live sources.
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

afterAll(async () => {
  await ola?.stop();
});

async function open(entry: Record<string, unknown>): Promise<TestOutput> {
  const output = await openTestOutput(entry);
  opened.push(output);
  return output;
}

describe('Art-Net output, read back from OLA', () => {
  it('puts every slot 1..512 exactly where the frame says, on several universes at once', async () => {
    const { output, health } = await open({
      id: 'artnet-ola',
      protocol: 'artnet',
      artnet: { host: ola.artnet.host, port: ola.artnet.port },
      universes: [
        { universe: 1 }, // default Port-Address: universe - 1 = 0:0:0
        { universe: 2, portAddress: '0:0:1' },
        { universe: 5, portAddress: 2 },
      ],
    });
    expect(output.universes).toEqual([1, 2, 5]);

    const frames = new Map([
      [1, slotPattern(3)],
      [2, slotPattern(101)],
      [5, slotPattern(200, 75)],
    ]);
    for (const [universe, frame] of frames) output.setFrame(universe, frame);

    for (const [universe, portAddress] of [[1, 0], [2, 1], [5, 2]] as const) {
      const expected = asArray(frames.get(universe)!);
      const got = await ola.waitForArtnet(portAddress, (slots) => slots.length === 512 && slots[511] === expected[511], `universe ${universe}'s frame`);
      expect(got).toEqual(expected);
    }
    expect(health().state).toBe('ok');
  });

  it('slot 1 and slot 512 are the edges of the universe (nothing shifted, nothing dropped)', async () => {
    const { output } = await open({ id: 'artnet-edges', protocol: 'artnet', artnet: ola.artnet, universes: [{ universe: 10, portAddress: 3 }] });
    output.setFrame(10, frameOf((slot) => (slot === 1 ? 11 : slot === 512 ? 250 : 0)));
    const got = await ola.waitForArtnet(3, (s) => s[0] === 11 && s[511] === 250, 'slot 1 = 11 and slot 512 = 250');
    expect(got.filter((v) => v !== 0)).toEqual([11, 250]);
    expect(got).toHaveLength(512);
  });

  it('a changed frame replaces the previous one completely (changed slots only go to the driver, all 512 go on the wire)', async () => {
    // Same source address as the test before: OLA's Art-Net node takes it as the same source.
    const { output } = await open({ id: 'artnet-change', protocol: 'artnet', artnet: ola.artnet, universes: [{ universe: 20, portAddress: 3 }] });
    const first = slotPattern(9);
    output.setFrame(20, first);
    expect(await ola.waitForArtnet(3, (s) => s[0] === first[0] && s[511] === first[511], 'the first frame')).toEqual(asArray(first));
    const second = frameOf((slot) => (slot % 3 === 0 ? first[slot - 1]! : 255 - slot));
    output.setFrame(20, second);
    expect(await ola.waitForArtnet(3, (s) => s[1] === second[1] && s[510] === second[510], 'the second frame')).toEqual(asArray(second));
  });
});

describe('sACN (E1.31) output, read back from OLA', () => {
  it('puts every slot 1..512 exactly where the frame says, on several universes (up to 63999)', async () => {
    const { output, health } = await open({
      id: 'sacn-ola',
      protocol: 'sacn',
      sacn: { ip: ola.sacn.ip, port: ola.sacn.port },
      universes: [
        { universe: 1 }, // default sACN universe: the same number
        { universe: 3, sacnUniverse: 7 },
        { universe: 4, sacnUniverse: 63999 },
      ],
    });
    const frames = new Map([
      [1, slotPattern(17)],
      [3, slotPattern(66, 101)],
      [4, frameOf((slot) => 255 - (slot % 256))],
    ]);
    for (const [universe, frame] of frames) output.setFrame(universe, frame);

    for (const [universe, sacnUniverse] of [[1, 1], [3, 7], [4, 63999]] as const) {
      const expected = asArray(frames.get(universe)!);
      const got = await ola.waitForSacn(sacnUniverse, (s) => s.length === 512 && s[511] === expected[511] && s[0] === expected[0], `universe ${universe}'s frame`);
      expect(got).toEqual(expected);
    }
    expect(health().state).toBe('ok');
  });

  it('every byte value 0..255 survives the library\'s percent conversion exactly', async () => {
    const { output } = await open({ id: 'sacn-values', protocol: 'sacn', sacn: { ip: ola.sacn.ip }, universes: [{ universe: 9, sacnUniverse: 8 }] });
    // Slots 1..256 carry 0..255, slots 257..512 the same reversed.
    const frame = frameOf((slot) => (slot <= 256 ? slot - 1 : 512 - slot));
    output.setFrame(9, frame);
    expect(await ola.waitForSacn(8, (s) => s[1] === 1 && s[255] === 255 && s[510] === 1, 'the 0..255 ramp')).toEqual(asArray(frame));
  });
});

describe('recording what OLA receives (the helper the lights strobe test uses)', () => {
  it('sees every frame, in order, with its time: 30 distinct frames at ~30 Hz', async () => {
    const { output } = await open({ id: 'recorded', protocol: 'artnet', artnet: ola.artnet, universes: [{ universe: 30, portAddress: 2 }] });
    const recording = await ola.record('artnet', 2);
    for (let n = 1; n <= 30; n++) {
      output.setFrame(30, frameOf((slot) => (slot === 1 ? n : slot === 512 ? 255 - n : 7)));
      await sleep(33);
    }
    await sleep(150);
    const frames = await recording.stop();

    // Repeats make runs of equal frames; collapse them.
    const distinct = frames.filter((f, i) => i === 0 || f.slots[0] !== frames[i - 1]!.slots[0]);
    expect(distinct.map((f) => f.slots[0])).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const f of distinct) {
      expect(f.slots).toHaveLength(512);
      expect(f.slots[511]).toBe(255 - f.slots[0]!);
      expect(f.slots[100]).toBe(7);
    }
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.atMs).toBeGreaterThanOrEqual(frames[i - 1]!.atMs);
    expect(distinct.at(-1)!.atMs - distinct[0]!.atMs).toBeGreaterThan(29 * 20); // ~33 ms apart, loosely
  });
});
