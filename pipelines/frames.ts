/**
 * Everything that flows through a pipeline is a Frame. Media frames carry the capture timestamp so
 * every stage can measure its latency from glass; event frames carry what stages concluded.
 */

export type FrameKind = 'video' | 'audio' | 'event';

interface FrameBase {
  /** The source this frame (or the frame it was derived from) came from, e.g. `room:demo/cam-1`. */
  sourceId: string;
  /** Increases per source and kind; gaps mean drops. */
  seq: number;
  /** Epoch ms when the source captured it (sender clock mapped to ours where known). */
  captureTs: number;
}

/** One decoded picture: packed RGB, fixed size per source (the decoder scales). */
export interface VideoFrame extends FrameBase {
  kind: 'video';
  width: number;
  height: number;
  format: 'rgb24';
  /** width * height * 3 bytes, row-major, no padding. */
  data: Uint8Array;
}

/** A block of PCM: 48 kHz float32, interleaved channels. */
export interface AudioFrame extends FrameBase {
  kind: 'audio';
  sampleRate: number;
  channels: number;
  /** samples.length / channels frames per channel. */
  samples: Float32Array;
}

/** A conclusion: `gesture_start`, `level`, ... Typed through EventFrames below. */
export interface EventFrame<Type extends string = string, Payload = unknown> extends FrameBase {
  kind: 'event';
  type: Type;
  payload: Payload;
}

export type Frame = VideoFrame | AudioFrame | EventFrame;

export type FrameOfKind<K extends FrameKind> = Extract<Frame, { kind: K }>;
