import type { EventEmitter } from 'node:events';
import type { AudioFrame, VideoFrame } from '../../pipelines/frames.ts';

/**
 * The contracts between the two halves of media handling:
 * - ingress (mediasoup: WebRTC and plain-RTP publishers, listeners) — service 'media.ingress';
 * - the bridge (supervised GStreamer children: RTP -> raw frames/PCM, PCM -> Opus RTP / speakers /
 *   Icecast) — service 'media.bridge'.
 * Pipelines consume MediaSources from the bridge; masking and ambience play PCM through it.
 */

export type MediaKind = 'audio' | 'video';

/** A published track in a room (browser camera, microphone, plain-RTP device, file source). */
export interface ProducerInfo {
  producerId: string;
  room: string;
  kind: MediaKind;
  /** Who published it: `webrtc`, `rtp` (plain RTP device), `file`, `injector` (generated audio). */
  origin: 'webrtc' | 'rtp' | 'file' | 'injector';
  /** Publisher-chosen label, e.g. `cam-1`, `mic-desk` (unique per room). */
  label: string;
  /** The publisher asked for measurement mode: no echo cancellation / noise suppression / AGC. */
  measurement?: boolean | undefined;
  codec: RtpCodec;
  /** Injectors only: the listening zone (`/listen?zone=...`). */
  zone?: string | undefined;
  /**
   * True while the producer's media is interrupted (its publisher lost the connection, or its mediasoup
   * worker is restarting) and the same producerId is expected back (`producer-restored`).
   */
  interrupted?: boolean | undefined;
}

export interface RtpCodec {
  mimeType: 'video/VP8' | 'video/H264' | 'audio/opus';
  payloadType: number;
  clockRate: number;
  channels?: number | undefined;
  parameters: Record<string, string | number>;
}

export interface RtpTapEvents {
  /** The producer's media stopped (publisher reconnecting, worker restarting); the tap waits for it. */
  interrupted: [reason: string];
  /**
   * RTP flows again to the same port after an interruption, from a new mediasoup consumer: the SSRC
   * (and, if the publisher changed codec, the codec) may differ. A keyframe has been requested.
   */
  resumed: [binding: { ssrc: number; codec: RtpCodec }];
  /** The producer is gone for good (or close() was called): no more RTP. */
  closed: [reason: string];
}

/**
 * One producer's RTP, forwarded by mediasoup (PlainTransport + Consumer) to 127.0.0.1:<rtpPort>, rtcp-mux.
 * A tap follows its producerId: it survives publisher reconnects and worker restarts (`interrupted` ->
 * `resumed`) and ends only when the producer closes for good (`closed`).
 */
export interface RtpTap extends EventEmitter<RtpTapEvents> {
  readonly producer: ProducerInfo;
  /** The codec of the current binding (payload type included). */
  readonly codec: RtpCodec;
  /** The SSRC of the current binding (0 for a tap created while its producer is interrupted, until it binds). */
  readonly ssrc: number;
  readonly rtpPort: number;
  /** False while interrupted or after close. */
  readonly flowing: boolean;
  /** Ask the publisher for a keyframe (after a decoder (re)starts). */
  requestKeyFrame(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Where generated audio enters mediasoup: send Opus RTP to 127.0.0.1:<rtpPort> with this payload type and
 * SSRC; listeners consume `producerId`. Port, payload type, SSRC and producerId stay the same across
 * mediasoup worker restarts (the injector is recreated on the restarted worker).
 */
export interface RtpInjector {
  readonly room: string;
  /** Listening zone (`/listen?zone=...`), e.g. `lobby`. */
  readonly zone: string;
  readonly producerId: string;
  readonly payloadType: number;
  readonly ssrc: number;
  readonly rtpPort: number;
  /**
   * mediasoup learns the sender's address from its first packet (comedia) and ignores other senders. Call
   * this after your encoder restarted from a new source port so the next sender is learned at once (it
   * also happens by itself after 3 s without packets). Listeners see a short interruption.
   */
  resetSender(): Promise<void>;
  close(): Promise<void>;
}

export interface MediaIngressEvents {
  'producer-added': [producer: ProducerInfo];
  /** Gone for good: closed by its publisher, or not back within `ingest.reconnectGraceMs`. */
  'producer-closed': [producer: ProducerInfo];
  /** Media stopped but the same producerId is expected back (publisher reconnecting, worker restarting). */
  'producer-interrupted': [producer: ProducerInfo, reason: string];
  /** Back after an interruption, same producerId (taps re-bind by themselves). */
  'producer-restored': [producer: ProducerInfo];
}

/** Provided by the ingest feature as 'media.ingress'. */
export interface MediaIngress extends EventEmitter<MediaIngressEvents> {
  producers(room?: string): ProducerInfo[];
  /** One producer by id (interrupted ones included); undefined if unknown or closed. */
  producer(producerId: string): ProducerInfo | undefined;
  /**
   * Forward a producer's RTP to a local UDP port the caller chose (it binds it first). Unknown ids throw
   * NotFoundError. An interrupted producer gives a tap that starts flowing when it is restored.
   */
  tapProducer(producerId: string, rtpPort: number): Promise<RtpTap>;
  /**
   * A producer for generated audio in a room's zone, fed with Opus RTP on a port mediasoup chooses.
   * One per room and zone: while one is open, another for the same zone throws a 409 RequestError.
   */
  createAudioInjector(room: string, zone: string): Promise<RtpInjector>;
}

/** Decoded media for pipelines: async-iterable, bounded (video keeps only the latest frame). */
export interface MediaSource<F extends VideoFrame | AudioFrame> extends AsyncIterable<F> {
  readonly id: string;
  readonly kind: F extends VideoFrame ? 'video' : 'audio';
  close(): Promise<void>;
}

/** Where PCM can be played. */
export type AudioOutputTarget =
  | { type: 'listeners'; room: string; zone: string }
  | { type: 'speakers'; sink?: string | undefined }
  | { type: 'icecast'; mount: string; format: 'ogg-opus' | 'mp3' };

/** A running "play this PCM stream to these outputs". */
export interface AudioPlayback {
  /** Push 48 kHz float32 interleaved PCM; resolves when accepted (paced by wall clock). */
  write(samples: Float32Array): Promise<void>;
  close(): Promise<void>;
}

/** Provided by the media bridge feature as 'media.bridge'. */
export interface MediaBridge {
  /** Decoded video of a producer: RGB at the configured size, capped fps, latest-frame buffer. */
  videoSource(producerId: string): Promise<MediaSource<VideoFrame>>;
  /** Decoded audio of a producer: 48 kHz float32 PCM blocks. */
  audioSource(producerId: string): Promise<MediaSource<AudioFrame>>;
  /** One typed API for every audio output (masking and ambience use it). */
  play(options: { channels: 1 | 2; targets: readonly AudioOutputTarget[] }): Promise<AudioPlayback>;
}

declare module '../features/FeatureServices.ts' {
  interface FeatureServices {
    'media.ingress': MediaIngress;
    'media.bridge': MediaBridge;
  }
}
