import { createSocket, type Socket } from 'node:dgram';

/** A UDP port on 127.0.0.1 that nothing is bound to right now. */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface RtpPacketInfo {
  payloadType: number;
  ssrc: number;
  sequence: number;
  timestamp: number;
  marker: boolean;
  payloadBytes: number;
  /** The first bytes of the payload (codec headers), for keyframe checks. */
  head: Buffer;
  at: number;
}

/** RTP header fields of a datagram, or null for RTCP (payload types 200-206 once the marker bit is dropped) and junk. */
export function parseRtp(packet: Buffer): RtpPacketInfo | null {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return null;
  const secondByte = packet[1]!;
  if (secondByte >= 192 && secondByte <= 223) return null; // RTCP (rtcp-mux)
  const csrcCount = packet[0]! & 0x0f;
  let offset = 12 + csrcCount * 4;
  if (packet[0]! & 0x10 && packet.length >= offset + 4) offset += 4 + packet.readUInt16BE(offset + 2) * 4; // header extension
  return {
    payloadType: secondByte & 0x7f,
    marker: (secondByte & 0x80) !== 0,
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payloadBytes: packet.length - offset,
    head: Buffer.from(packet.subarray(offset, offset + 16)),
    at: Date.now(),
  };
}

/** A bound UDP receiver that keeps every RTP packet's header (what a decoder behind a tap would get). */
export interface RtpReceiver {
  port: number;
  packets: RtpPacketInfo[];
  rtcpCount(): number;
  /** Packets with this SSRC received after `since` (epoch ms). */
  countSince(since: number, ssrc?: number): number;
  close(): Promise<void>;
}

export async function receiveRtp(): Promise<RtpReceiver> {
  const socket: Socket = createSocket('udp4');
  const packets: RtpPacketInfo[] = [];
  let rtcp = 0;
  socket.on('message', (message) => {
    const info = parseRtp(message);
    if (info) packets.push(info);
    else rtcp++;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    port: socket.address().port,
    packets,
    rtcpCount: () => rtcp,
    countSince: (since, ssrc) => packets.filter((p) => p.at >= since && (ssrc === undefined || p.ssrc === ssrc)).length,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/**
 * Whether a VP8 RTP payload starts a keyframe (RFC 7741 payload descriptor, then the VP8 frame tag's
 * inverse key-frame bit), the same test mediasoup applies.
 */
export function isVp8KeyFrame(head: Buffer): boolean {
  if (head.length < 1) return false;
  const first = head[0]!;
  const extended = (first & 0x80) !== 0;
  const start = (first & 0x10) !== 0;
  const partition = first & 0x07;
  let offset = 1;
  if (extended) {
    const flags = head[offset++]!;
    if (flags & 0x80) offset += head[offset]! & 0x80 ? 2 : 1; // picture id
    if (flags & 0x40) offset += 1; // tl0picidx
    if (flags & 0x30) offset += 1; // tid / keyidx
  }
  return start && partition === 0 && offset < head.length && (head[offset]! & 0x01) === 0;
}
