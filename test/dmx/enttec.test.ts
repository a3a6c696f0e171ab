import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { openTestOutput, slotPattern, type TestOutput } from './dmxTestKit.ts';
import { parseEnttecStream, plugFakeSerialDevice, type FakeSerialDevice } from './fakeSerialDevice.ts';

// The Enttec USB DMX Pro output against a real pseudo-terminal: the bytes that come out of the port must
// be well-formed "Output Only Send DMX Packet" messages carrying exactly the frame, and a missing or
// unplugged port is a health state that heals by itself.

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-enttec-'));
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function plug(name: string): Promise<FakeSerialDevice> {
  const device = await plugFakeSerialDevice(path.join(dir, name));
  cleanups.push(device.stop);
  return device;
}

async function openEnttec(port: string, extra: Record<string, unknown> = {}): Promise<TestOutput> {
  const opened = await openTestOutput({ id: 'usb-pro', protocol: 'enttec', enttec: { port, retryMs: 150 }, universes: [{ universe: 3 }], ...extra });
  cleanups.push(opened.close);
  return opened;
}

/** Wait until `device` has received a complete message carrying `frame`; returns every message so far. */
async function waitForFrame(device: FakeSerialDevice, frame: Uint8Array, what: string) {
  const expected = Array.from(frame);
  return waitFor(what, () => {
    const parsed = parseEnttecStream(device.bytes());
    return parsed.messages.some((m) => m.slots.length === 512 && m.slots.every((v, i) => v === expected[i])) ? parsed : undefined;
  });
}

describe('Enttec USB DMX Pro output (over a pseudo-terminal)', () => {
  it('writes well-formed label 6 messages: 0x7E, 6, length 513 LSB/MSB, start code 0, the 512 slots exactly, 0xE7', async () => {
    const device = await plug('ttyUSB-frames');
    const { output, health } = await openEnttec(device.linkPath);
    await waitFor('the port to open', () => health().state === 'ok');

    const first = slotPattern(5);
    output.setFrame(3, first);
    await waitForFrame(device, first, 'the first frame on the wire');
    const second = slotPattern(250, 3);
    output.setFrame(3, second);
    const { messages, pendingBytes } = await waitForFrame(device, second, 'the second frame on the wire');

    const raw = device.bytes();
    expect([...raw.subarray(0, 5)]).toEqual([0x7e, 6, 0x01, 0x02, 0]); // 513 = 0x0201: start code + 512 slots
    expect(raw[517]).toBe(0xe7);
    expect(pendingBytes).toBe(0);
    expect(raw.length).toBe(messages.length * 518);
    for (const m of messages) {
      expect(m.startCode).toBe(0);
      expect(m.slots).toHaveLength(512);
    }
    // Send on change + repeats: the first frame (up to three times), then the second; nothing else.
    const order = messages.map((m) => (m.slots.every((v, i) => v === first[i]) ? 'F' : m.slots.every((v, i) => v === second[i]) ? 'S' : '?')).join('');
    expect(order).toMatch(/^F{1,3}S{1,3}$/);
    expect(health().state).toBe('ok');
  });

  it('a port that is not there: degraded with the reason, retried; when it appears the current frame goes out', async () => {
    const linkPath = path.join(dir, 'ttyUSB-later');
    const { output, health } = await openEnttec(linkPath);
    await waitFor('health to say why', () => health().state === 'degraded' && /unavailable/.test(health().reason ?? ''));
    expect(health().reason).toContain(linkPath);
    expect(health().reason).toMatch(/No such file or directory|ENOENT/);
    expect(health().reason).toMatch(/retrying every 150 ms/);

    const frame = slotPattern(77);
    output.setFrame(3, frame); // set while unplugged: kept, not lost

    const device = await plug('ttyUSB-later');
    await waitFor('health to recover', () => health().state === 'ok', 5000);
    await waitForFrame(device, frame, 'the frame set while the port was missing');
  });

  it('unplugged while running: degraded, retried, and back with the current frame when it is plugged in again', async () => {
    const first = await plug('ttyUSB-replug');
    const { output, health } = await openEnttec(first.linkPath, { keepAliveMs: 100 });
    const frame = slotPattern(140);
    output.setFrame(3, frame);
    await waitForFrame(first, frame, 'the frame before unplugging');

    await first.stop(); // the cable comes out
    await waitFor('health to say the port is gone', () => health().state === 'degraded' && /serial port .*ttyUSB-replug (lost|unavailable)/.test(health().reason ?? ''), 5000);

    const second = await plugFakeSerialDevice(first.linkPath); // a new pty behind the same name
    cleanups.push(second.stop);
    await waitFor('health to recover', () => health().state === 'ok', 5000);
    await waitForFrame(second, frame, 'the current frame on the replugged port');
    expect(parseEnttecStream(second.bytes()).messages[0]!.slots).toEqual(Array.from(frame));
  });
});
