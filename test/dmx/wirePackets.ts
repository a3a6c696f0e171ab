import dgram from 'node:dgram';
import { CATCH_UP, CHANGE_TOLERANCE } from '../../adapters/dmx/TransmitSchedule.ts';

/** One UDP datagram as a receiver saw it. */
export interface ReceivedPacket {
  /** performance.now() at arrival. */
  at: number;
  data: Buffer;
}

/**
 * A UDP socket that keeps everything it receives (a stand-in receiver for counting and decoding). On
 * 127.0.0.1 by default; bound to 0.0.0.0 it also gets broadcasts (127.255.255.255).
 */
export async function udpReceiver(address = '127.0.0.1'): Promise<{ port: number; packets: ReceivedPacket[]; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const packets: ReceivedPacket[] = [];
  socket.on('message', (data) => packets.push({ at: performance.now(), data }));
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return {
    port: socket.address().port,
    packets,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

export interface ArtDmx {
  sequence: number;
  /** 15-bit Port-Address. */
  portAddress: number;
  /** `[0]` is slot 1. */
  slots: number[];
}

/** Decode an ArtDmx packet (Art-Net 4: "Art-Net\0", OpCode 0x5000 LE, ProtVer 14, ..., Length BE, data). */
export function decodeArtDmx(data: Buffer): ArtDmx {
  if (data.subarray(0, 8).toString('latin1') !== 'Art-Net\0') throw new Error('not Art-Net');
  if (data.readUInt16LE(8) !== 0x5000) throw new Error(`not ArtDmx (OpCode 0x${data.readUInt16LE(8).toString(16)})`);
  const length = data.readUInt16BE(16);
  return { sequence: data[12]!, portAddress: (data[15]! << 8) | data[14]!, slots: [...data.subarray(18, 18 + length)] };
}

export interface E131Data {
  cid: string;
  sourceName: string;
  priority: number;
  sequence: number;
  universe: number;
  startCode: number;
  /** `[0]` is slot 1. */
  slots: number[];
}

/** Decode an E1.31 data packet (root, framing and DMP layers at their fixed offsets). */
export function decodeE131(data: Buffer): E131Data {
  if (data.subarray(4, 16).toString('latin1') !== 'ASC-E1.17\0\0\0') throw new Error('not ACN');
  const count = data.readUInt16BE(123) - 1;
  return {
    cid: data.subarray(22, 38).toString('hex'),
    sourceName: data.subarray(44, 108).toString('utf8').replace(/\0+$/, ''),
    priority: data[108]!,
    sequence: data[111]!,
    universe: data.readUInt16BE(113),
    startCode: data[125]!,
    slots: [...data.subarray(126, 126 + count)],
  };
}

/** Gaps between consecutive arrivals, ms. */
export function gaps(packets: readonly ReceivedPacket[]): number[] {
  return packets.slice(1).map((p, i) => p.at - packets[i]!.at);
}

/**
 * The arrivals never run faster than one per `intervalMs` on average: every run of consecutive gaps took
 * at least that many intervals, less the pacing's slack (TransmitSchedule: CHANGE_TOLERANCE, CATCH_UP) and
 * `jitterMs` of measurement noise (arrival times are taken in JS: one late 'message' event can make a
 * single gap look short). Returns the first violation, or undefined.
 */
export function fasterThan(packets: readonly ReceivedPacket[], intervalMs: number, { jitterMs = 10 } = {}): string | undefined {
  const slack = intervalMs * (CHANGE_TOLERANCE + CATCH_UP) + jitterMs;
  for (let i = 0; i < packets.length; i++) {
    for (let j = i + 1; j < packets.length; j++) {
      const took = packets[j]!.at - packets[i]!.at;
      if (took < (j - i) * intervalMs - slack) return `packets ${i}..${j} arrived within ${took.toFixed(1)} ms (< ${j - i} x ${intervalMs.toFixed(1)} ms - ${slack.toFixed(1)} ms)`;
    }
  }
  return undefined;
}
