import type { RtpCodec } from '../../MediaContracts.ts';

/**
 * Every gst-launch pipeline the bridge runs, as argv tokens (one per element, property and `!`;
 * gst-launch quotes each token itself, so a caps string with commas stays one token and nothing is
 * ever interpreted by a shell). One stream per pipeline: with two udpsrc in one pipeline, a silent
 * one stalls the other.
 */

export const SAMPLE_RATE = 48_000;

export interface VideoDecodeSettings {
  rtpPort: number;
  codec: RtpCodec;
  width: number;
  height: number;
  jitterBufferMs: number;
}

export interface AudioDecodeSettings {
  rtpPort: number;
  codec: RtpCodec;
  channels: 1 | 2;
  jitterBufferMs: number;
}

/** Thrown for a codec the bridge has no decoder for. */
export class UnsupportedCodecError extends Error {
  constructor(mimeType: string, kind: string) {
    super(`no ${kind} decoder for ${mimeType} (the bridge decodes video/VP8, video/H264 and audio/opus)`);
    this.name = 'UnsupportedCodecError';
  }
}

/** udpsrc on loopback, bound by the child itself: `reuse=false` so a port someone else holds is a clear bind error. */
function rtpSource(rtpPort: number, caps: string): string[] {
  return ['udpsrc', 'address=127.0.0.1', `port=${rtpPort}`, 'reuse=false', 'buffer-size=1048576', `caps=${caps}`];
}

/**
 * A short queue that throws away the oldest picture when a new one finds it full (two: one may wait
 * while the one before it is still being written to the reader).
 */
const LATEST_ONLY = ['queue', 'leaky=downstream', 'max-size-buffers=2', 'max-size-bytes=0', 'max-size-time=0'];

/**
 * GStreamer debug categories whose lines tell a video decoder's reader that a packet was lost and the
 * depayloader now waits for a keyframe (`Dropping inter-frame before intra-frame`, `Discontinuity`).
 */
export const VIDEO_LOSS_DEBUG = { categories: ['rtpvp8depay:5'], pattern: /Dropping inter-frame before intra-frame|Discontinuity, flushing/ };

/** Raw frames out through the GStreamer Data Protocol (keeps each buffer's timestamp) on stdout. */
const GDP_TO_STDOUT = ['gdppay', '!', 'fdsink', 'fd=1', 'sync=false'];

/**
 * RTP (VP8 or H264) -> jitter buffer -> decoder -> packed RGB at exactly width x height (letterboxed,
 * so a publisher that changes resolution never changes the frame size) -> GDP on stdout.
 * The fps cap is applied by the reader: `videorate` aborts on depayloaded streams without durations.
 */
export function videoDecoderPipeline(s: VideoDecodeSettings): string[] {
  const { mimeType, payloadType, clockRate } = s.codec;
  const encodingName = mimeType === 'video/VP8' ? 'VP8' : mimeType === 'video/H264' ? 'H264' : undefined;
  if (!encodingName) throw new UnsupportedCodecError(mimeType, 'video');
  // After a lost packet, wait for the next keyframe (the reader asks for one at once, see
  // VIDEO_LOSS_DEBUG) instead of decoding pictures with holes in them.
  const depayDecode =
    encodingName === 'VP8'
      ? ['rtpvp8depay', 'wait-for-keyframe=true', '!', 'vp8dec']
      : ['rtph264depay', 'wait-for-keyframe=true', '!', 'h264parse', '!', 'avdec_h264'];
  return [
    ...rtpSource(s.rtpPort, `application/x-rtp,media=video,encoding-name=${encodingName},clock-rate=${clockRate},payload=${payloadType}`),
    // No drop-on-latency: a decoder starved of CPU for a moment must not turn that into lost packets
    // (and a wait for the next keyframe); the backlog drains, and stale pictures go at LATEST_ONLY.
    '!', 'rtpjitterbuffer', `latency=${s.jitterBufferMs}`,
    '!', ...depayDecode,
    // Keep-latest inside the child too: when the reader is slow, whole decoded pictures are dropped
    // here, so the decoder never stalls and the jitter buffer never drops packets (which would break
    // every picture until the next keyframe).
    '!', ...LATEST_ONLY,
    '!', 'videoconvert',
    '!', 'videoscale',
    '!', `video/x-raw,format=RGB,width=${s.width},height=${s.height},pixel-aspect-ratio=1/1`,
    '!', ...GDP_TO_STDOUT,
  ];
}

/** RTP Opus -> jitter buffer -> decoder (with loss concealment) -> 48 kHz float32 interleaved -> GDP on stdout. */
export function audioDecoderPipeline(s: AudioDecodeSettings): string[] {
  const { mimeType, payloadType, clockRate } = s.codec;
  if (mimeType !== 'audio/opus') throw new UnsupportedCodecError(mimeType, 'audio');
  return [
    ...rtpSource(s.rtpPort, `application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=${clockRate},payload=${payloadType}`),
    '!', 'rtpjitterbuffer', `latency=${s.jitterBufferMs}`, 'drop-on-latency=true',
    '!', 'rtpopusdepay',
    '!', 'opusdec', 'plc=true',
    '!', 'queue', 'leaky=downstream', 'max-size-time=200000000', 'max-size-buffers=0', 'max-size-bytes=0',
    '!', 'audioconvert',
    '!', 'audioresample',
    '!', `audio/x-raw,format=F32LE,rate=${SAMPLE_RATE},channels=${s.channels},layout=interleaved`,
    '!', ...GDP_TO_STDOUT,
  ];
}

/** 48 kHz float32 interleaved PCM from stdin (Node paces it by the wall clock; no sink syncs again). */
function pcmFromStdin(channels: 1 | 2): string[] {
  return [
    'fdsrc', 'fd=0',
    '!', 'rawaudioparse', 'use-sink-caps=false', 'format=pcm', 'pcm-format=f32le', `sample-rate=${SAMPLE_RATE}`, `num-channels=${channels}`, 'interleaved=true',
    '!', 'audioconvert',
    '!', 'audioresample',
  ];
}

/**
 * RTP to a mediasoup comedia transport, always from the same source port: comedia locks onto the first
 * sender's address, so a restarted child must send from where the last one did.
 */
function rtpToComedia(target: { host: string; port: number; sourcePort: number }): string[] {
  return ['udpsink', `host=${target.host}`, `port=${target.port}`, 'bind-address=127.0.0.1', `bind-port=${target.sourcePort}`, 'sync=false', 'async=false'];
}

/** PCM -> Opus RTP to a mediasoup injector (listeners hear it on /listen). */
export function rtpOpusOutputPipeline(s: { channels: 1 | 2; rtpPort: number; sourcePort: number; payloadType: number; ssrc: number; bitrate: number }): string[] {
  return [
    ...pcmFromStdin(s.channels),
    '!', 'opusenc', `bitrate=${s.bitrate}`, 'frame-size=20',
    '!', 'rtpopuspay', `pt=${s.payloadType}`, `ssrc=${s.ssrc}`,
    '!', ...rtpToComedia({ host: '127.0.0.1', port: s.rtpPort, sourcePort: s.sourcePort }),
  ];
}

/** PCM -> a PulseAudio sink (room speakers). */
export function pulseOutputPipeline(s: { channels: 1 | 2; server: string | undefined; sink: string | undefined; bufferMs: number }): string[] {
  return [
    ...pcmFromStdin(s.channels),
    '!', 'pulsesink', 'client-name=roomcast', 'sync=false', `buffer-time=${s.bufferMs * 1000}`, 'latency-time=10000',
    ...(s.server ? [`server=${s.server}`] : []),
    ...(s.sink ? [`device=${s.sink}`] : []),
  ];
}

/** PCM -> Ogg/Opus or MP3 bytes on stdout (Node sends them to Icecast, so the password stays out of argv). */
export function streamEncoderPipeline(s: { channels: 1 | 2; format: 'ogg-opus' | 'mp3'; bitrate: number }): string[] {
  const encode =
    s.format === 'ogg-opus'
      ? ['opusenc', `bitrate=${s.bitrate}`, '!', 'oggmux', 'max-delay=100000000', 'max-page-delay=100000000']
      : ['lamemp3enc', 'target=bitrate', `bitrate=${Math.round(s.bitrate / 1000)}`, 'cbr=true'];
  return [...pcmFromStdin(s.channels), '!', ...encode, '!', 'fdsink', 'fd=1', 'sync=false'];
}
