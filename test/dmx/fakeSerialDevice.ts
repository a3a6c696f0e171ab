import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { waitFor } from '../helpers/wait.ts';

/**
 * A serial device that isn't there: socat makes a real pseudo-terminal (raw, no echo) and links it at
 * `linkPath` (as udev links /dev/ttyUSB0), and copies every byte written to it to its stdout, which this
 * collects. Stopping it removes the link and the pty, like unplugging the USB cable.
 */
export interface FakeSerialDevice {
  readonly linkPath: string;
  /** Everything written to the port so far. */
  bytes(): Buffer;
  /** Unplug: socat exits (its pty closes and the link disappears). */
  stop(): Promise<void>;
}

export async function plugFakeSerialDevice(linkPath: string): Promise<FakeSerialDevice> {
  const chunks: Buffer[] = [];
  let stderr = '';
  const socat = spawn('socat', ['-u', `pty,raw,echo=0,link=${linkPath}`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
  socat.stdout!.on('data', (d: Buffer) => chunks.push(d));
  socat.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  await waitFor(`socat to link a pty at ${linkPath}`, () => {
    if (socat.exitCode !== null) throw new Error(`socat exited (${socat.exitCode}): ${stderr}`);
    return existsSync(linkPath);
  });
  return {
    linkPath,
    bytes: () => Buffer.concat(chunks),
    async stop() {
      if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
      await exited;
      await waitFor(`${linkPath} to disappear`, () => !existsSync(linkPath), 2000);
    },
  };
}

/** One Enttec USB DMX Pro "Output Only Send DMX Packet" (label 6) message, decoded. */
export interface EnttecDmxMessage {
  startCode: number;
  /** `[0]` is slot 1. */
  slots: number[];
}

const SOM = 0x7e;
const EOM = 0xe7;
const LABEL_SEND_DMX = 6;

/**
 * Split a byte stream into Enttec Pro messages, strictly: every byte must belong to a well-formed message
 * (start 0x7E, label 6, data length LSB/MSB, data = start code + slots, end 0xE7); throws on anything else.
 * A message still being written at the end is left out and counted in `pendingBytes`.
 */
export function parseEnttecStream(stream: Buffer): { messages: EnttecDmxMessage[]; pendingBytes: number } {
  const messages: EnttecDmxMessage[] = [];
  let at = 0;
  while (at < stream.length) {
    if (stream[at] !== SOM) throw new Error(`byte ${at}: expected start of message 0x7E, got 0x${stream[at]!.toString(16)}`);
    if (stream.length - at < 5) break;
    if (stream[at + 1] !== LABEL_SEND_DMX) throw new Error(`byte ${at + 1}: expected label 6 (Output Only Send DMX), got ${stream[at + 1]}`);
    const length = stream[at + 2]! | (stream[at + 3]! << 8);
    const end = at + 4 + length;
    if (end >= stream.length) break;
    if (stream[end] !== EOM) throw new Error(`byte ${end}: expected end of message 0xE7, got 0x${stream[end]!.toString(16)}`);
    messages.push({ startCode: stream[at + 4]!, slots: [...stream.subarray(at + 5, end)] });
    at = end + 1;
  }
  return { messages, pendingBytes: stream.length - at };
}
