import type { types as client } from 'mediasoup-client';
import type { ProducerInfo } from '../media/MediaContracts.ts';

/**
 * Socket.io namespace for WebRTC signaling (capture and listen pages, and any mediasoup-client app).
 * Types and plain constants only: browser code imports this file.
 *
 * Order of calls (each answers through its ack; errors never throw, they come back as `{ ok: false }`):
 * 1. `media:getRouterRtpCapabilities { room }` binds the connection to a room and returns what its router
 *    speaks (load a mediasoup-client Device with it).
 * 2. publishing (operator or admin token): `media:createTransport { direction: 'send' }`, then the send
 *    transport's `connect` -> `media:connectTransport`, its `produce` -> `media:produce`.
 * 3. listening (any token): `media:setRtpCapabilities` (the Device's), `media:listen { zone }` for a zone's
 *    audio, `media:createTransport { direction: 'recv' }`, `media:consume` (starts paused), the recv
 *    transport's `connect` -> `media:connectTransport`, then `media:resumeConsumer`.
 * The server may say `media:reconnect` (its media worker restarted: drop transports and start again at
 * step 1; producers come back under the same producerId when re-published with the same labels).
 */
export const MEDIA_NAMESPACE = '/media';

/** Why a call was refused. */
export type MediaErrorCode =
  | 'invalid_request' // the payload failed validation; the message names each path
  | 'not_found' // an unknown room, transport, producer or consumer id
  | 'out_of_order' // a call that needs an earlier one (produce before connectTransport...)
  | 'forbidden' // the token's role may not do this
  | 'conflict' // e.g. a label already published by someone else
  | 'limit' // too many transports/producers/consumers on this connection
  | 'unavailable' // mediasoup refused or is restarting; try again
  | 'internal';

export type MediaError = { ok: false; code: MediaErrorCode; error: string };
export type MediaResult<T extends object = object> = ({ ok: true } & T) | MediaError;
export type MediaAck<T extends object = object> = (result: MediaResult<T>) => void;

export type TransportDirection = 'send' | 'recv';

/** What mediasoup-client's `device.createSendTransport()/createRecvTransport()` needs. */
export interface TransportDescription {
  id: string;
  iceParameters: client.IceParameters;
  iceCandidates: client.IceCandidate[];
  dtlsParameters: client.DtlsParameters;
}

export interface ConsumerDescription {
  id: string;
  producerId: string;
  kind: client.MediaKind;
  rtpParameters: client.RtpParameters;
}

export interface ProduceRequest {
  transportId: string;
  kind: client.MediaKind;
  rtpParameters: client.RtpParameters;
  /**
   * Unique per room, e.g. `desk-cam`. Re-publishing a label this publisher had (after a reconnect, or on
   * a new transport of the same connection) replaces its producer and keeps the producerId.
   */
  label: string;
  /** Microphone captured without echo cancellation, noise suppression and auto gain (true levels). */
  measurement?: boolean;
}

export interface MediaClientToServerEvents {
  'media:getRouterRtpCapabilities': (
    request: { room: string; /** Random id of this page load: lets a reconnecting publisher take its labels back. */ publisherId?: string },
    ack: MediaAck<{ room: string; rtpCapabilities: client.RtpCapabilities; canPublish: boolean }>,
  ) => void;
  'media:setRtpCapabilities': (request: { rtpCapabilities: client.RtpCapabilities }, ack: MediaAck) => void;
  'media:createTransport': (request: { direction: TransportDirection }, ack: MediaAck<{ transport: TransportDescription }>) => void;
  'media:connectTransport': (request: { transportId: string; dtlsParameters: client.DtlsParameters }, ack: MediaAck) => void;
  /** Close one of this connection's transports (its producers wait `reconnectGraceMs` to be re-published). */
  'media:closeTransport': (request: { transportId: string }, ack: MediaAck) => void;
  'media:produce': (request: ProduceRequest, ack: MediaAck<{ producerId: string }>) => void;
  'media:closeProducer': (request: { producerId: string }, ack: MediaAck) => void;
  /** Follow a zone's generated audio: answers its producer now (or null) and pushes `media:zoneProducer` on change. */
  'media:listen': (request: { zone: string }, ack: MediaAck<{ zone: string; producerId: string | null }>) => void;
  'media:consume': (request: { transportId: string; producerId: string }, ack: MediaAck<{ consumer: ConsumerDescription }>) => void;
  'media:resumeConsumer': (request: { consumerId: string }, ack: MediaAck) => void;
  'media:closeConsumer': (request: { consumerId: string }, ack: MediaAck) => void;
  /** What the server receives from one of this connection's producers (the capture page shows it). */
  'media:producerStats': (request: { producerId: string }, ack: MediaAck<{ stats: ServerProducerStats }>) => void;
}

export interface ServerProducerStats {
  producerId: string;
  /** Bits per second the server receives, as mediasoup measures it. */
  bitrate: number;
  byteCount: number;
  packetCount: number;
  packetsLost: number;
  /** mediasoup's 0-10 quality score of the incoming stream. */
  score: number;
}

export interface MediaServerToClientEvents {
  /** Drop every transport and start again (`media:getRouterRtpCapabilities`): the server's media worker restarted. */
  'media:reconnect': (notice: { room: string; reason: string }) => void;
  /** A zone's producer appeared, came back, or went (null). */
  'media:zoneProducer': (notice: { room: string; zone: string; producerId: string | null }) => void;
  /** The server closed one of this connection's consumers (its producer went away). */
  'media:consumerClosed': (notice: { consumerId: string; producerId: string; reason: string }) => void;
  /** The server closed one of this connection's producers (an operator removed it, or a newer publisher took its label). */
  'media:producerClosed': (notice: { producerId: string; reason: string }) => void;
}

export type { ProducerInfo };

/** Labels publishers may use (also how the capture page builds `<name>-cam` / `<name>-mic`). */
export const PRODUCER_LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
export const ZONE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
