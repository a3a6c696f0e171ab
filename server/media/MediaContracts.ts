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
}

export interface RtpCodec {
  mimeType: 'video/VP8' | 'video/H264' | 'audio/opus';
  payloadType: number;
  clockRate: number;
  channels?: number | undefined;
  parameters: Record<string, string | number>;
}

/** One producer's RTP, forwarded by mediasoup (PlainTransport + Consumer) to 127.0.0.1:<rtpPort>, rtcp-mux. */
export interface RtpTap {
  readonly producer: ProducerInfo;
  readonly codec: RtpCodec;
  readonly ssrc: number;
  readonly rtpPort: number;
  /** Ask the publisher for a keyframe (after a decoder (re)starts). */
  requestKeyFrame(): Promise<void>;
  close(): Promise<void>;
}

/** Where generated audio enters mediasoup: send Opus RTP to 127.0.0.1:<rtpPort>; listeners consume `producerId`. */
export interface RtpInjector {
  readonly room: string;
  /** Listening zone (`/listen?zone=...`), e.g. `lobby`. */
  readonly zone: string;
  readonly producerId: string;
  readonly payloadType: number;
  readonly ssrc: number;
  readonly rtpPort: number;
  close(): Promise<void>;
}

export interface MediaIngressEvents {
  'producer-added': [producer: ProducerInfo];
  'producer-closed': [producer: ProducerInfo];
}

/** Provided by the ingest feature as 'media.ingress'. */
export interface MediaIngress extends EventEmitter<MediaIngressEvents> {
  producers(room?: string): ProducerInfo[];
  /** Forward a producer's RTP to a local UDP port the caller chose (it binds it first). */
  tapProducer(producerId: string, rtpPort: number): Promise<RtpTap>;
  /** A producer for generated audio in a room's zone, fed with Opus RTP on a port mediasoup chooses. */
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
