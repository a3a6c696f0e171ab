import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/roomcastProcess.ts';
import { plugFakeSerialDevice } from './fakeSerialDevice.ts';
import { decodeArtDmx, decodeE131, udpReceiver } from './wirePackets.ts';

// dmx-ts's own close() leaves dmxnet's two UDP sockets and its 30 s timer open (a process that used it
// never exits by itself). Roomcast's outputs must leave nothing: proven by a process that opens one output
// per protocol, sends, closes them, and then has to exit on its own.

describe('closing DMX outputs', () => {
  it('leaves no socket, timer or serial port open: the process exits by itself', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-dmx-close-'));
    const artnet = await udpReceiver();
    const sacn = await udpReceiver();
    const serial = await plugFakeSerialDevice(path.join(dir, 'ttyUSB0'));
    try {
      const child = spawn(process.execPath, ['server/cli/run-ts.mjs', 'test/dmx/fixtures/openSendClose.ts', String(artnet.port), String(sacn.port), serial.linkPath], {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const timeout = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000).unref());
      const result = await Promise.race([exit, timeout]);
      if (result === 'still running') child.kill('SIGKILL');

      expect(output).toMatch(/closed; still active: \[/);
      expect(result, output).toBe(0);
      // Only the child's stdio pipes may remain at that point (they close as it exits).
      const active = JSON.parse(/still active: (\[.*\])/.exec(output)![1]!) as string[];
      expect(active.filter((r) => !["PipeWrap", "TTYWrap"].includes(r)), output).toEqual([]);
      // And it really sent: every protocol's frames arrived.
      expect(new Set(artnet.packets.map((p) => decodeArtDmx(p.data).portAddress))).toEqual(new Set([0, 1]));
      expect(new Set(sacn.packets.map((p) => decodeE131(p.data).universe))).toEqual(new Set([3, 4]));
      expect(serial.bytes().length % 518).toBe(0);
      expect(serial.bytes().length).toBeGreaterThan(0);
    } finally {
      await artnet.close();
      await sacn.close();
      await serial.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
