import type { Socket } from 'socket.io-client';
import { connectSocket } from '../../helpers/sockets.ts';

/** A `/media` connection driven by hand (no browser): enough signaling to create real mediasoup objects. */
export async function openMedia(url: string, token: string): Promise<Socket> {
  return connectSocket(`${url}/media`, token);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Answer = { ok: boolean; code?: string; error?: string; [key: string]: any };

/** Emit with an ack and wait for it (never more than 10 s: a missing answer is a failure in itself). */
export async function call(socket: Socket, event: string, ...payload: unknown[]): Promise<Answer> {
  return (await socket.timeout(10_000).emitWithAck(event, ...payload)) as Answer;
}

/** A syntactically valid remote DTLS description (the handshake never happens without a browser). */
export const FAKE_DTLS = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':') }],
};

export const opusSendParameters = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
  encodings: [{ ssrc }],
  rtcp: { cname: 'ingest-test' },
});

/** Bind the connection to a room and open a connected send transport; returns its id. */
export async function sendTransport(socket: Socket, room: string, publisherId?: string): Promise<string> {
  const caps = await call(socket, 'media:getRouterRtpCapabilities', { room, ...(publisherId ? { publisherId } : {}) });
  if (!caps.ok) throw new Error(`getRouterRtpCapabilities: ${caps.error}`);
  const created = await call(socket, 'media:createTransport', { direction: 'send' });
  if (!created.ok) throw new Error(`createTransport: ${created.error}`);
  const connected = await call(socket, 'media:connectTransport', { transportId: created.transport.id, dtlsParameters: FAKE_DTLS });
  if (!connected.ok) throw new Error(`connectTransport: ${connected.error}`);
  return created.transport.id as string;
}

export async function produceOpus(socket: Socket, transportId: string, label: string, ssrc = 1000 + Math.floor(Math.random() * 1e6)): Promise<Answer> {
  return call(socket, 'media:produce', { transportId, kind: 'audio', rtpParameters: opusSendParameters(ssrc), label });
}
