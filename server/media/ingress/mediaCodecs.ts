import type { types } from 'mediasoup';
import type { RtpCodec } from '../MediaContracts.ts';
import type { RtpInputCodecName } from './ingestConfig.ts';

/**
 * What every room's router speaks. The order fixes the payload types mediasoup assigns, so taps and
 * listeners see the same numbers after a worker restart.
 */
export const ROUTER_MEDIA_CODECS: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1, 'x-google-start-bitrate': 1000 },
  },
];

/** Feedback a local receiver (GStreamer) may send: retransmission requests and keyframe requests. */
const LOCAL_RECEIVER_FEEDBACK: types.RtcpFeedback[] = [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }];

/**
 * Capabilities of a plain local receiver of one producer: just the producer's codec, no RTX, no header
 * extensions. The consumer then sends clean RTP a decoder understands without negotiation.
 */
export function localReceiverCapabilities(router: types.Router, mimeType: string): types.RtpCapabilities {
  const codec = router.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase());
  if (!codec) throw new Error(`the router does not offer ${mimeType}`);
  return { codecs: [{ ...codec, rtcpFeedback: LOCAL_RECEIVER_FEEDBACK }], headerExtensions: [] };
}

/** The contract's codec description of one negotiated RTP codec. */
export function toRtpCodec(codec: types.RtpCodecParameters): RtpCodec {
  const mime = codec.mimeType.toLowerCase();
  const mimeType: RtpCodec['mimeType'] = mime === 'audio/opus' ? 'audio/opus' : mime === 'video/h264' ? 'video/H264' : 'video/VP8';
  const parameters: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(codec.parameters ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') parameters[key] = value;
  }
  return { mimeType, payloadType: codec.payloadType, clockRate: codec.clockRate, channels: codec.channels, parameters };
}

/** The main (non-RTX) codec of a producer's or consumer's RTP parameters. */
export function mainCodec(parameters: types.RtpParameters): types.RtpCodecParameters {
  const codec = parameters.codecs.find((c) => !/\/(rtx|red|ulpfec|flexfec)/i.test(c.mimeType));
  if (!codec) throw new Error('RTP parameters carry no media codec');
  return codec;
}

export const DEFAULT_PAYLOAD_TYPES: Record<RtpInputCodecName, number> = { opus: 111, vp8: 96, h264: 97 };

/** RTP parameters for what a plain-RTP sender (a device, our own encoder) sends with one codec and SSRC. */
export function plainSenderRtpParameters(codec: RtpInputCodecName, payloadType: number, ssrc: number): types.RtpParameters {
  const codecs: types.RtpCodecParameters[] =
    codec === 'opus'
      ? [{ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType, parameters: { 'sprop-stereo': 1 } }]
      : codec === 'vp8'
        ? [{ mimeType: 'video/VP8', clockRate: 90000, payloadType, rtcpFeedback: LOCAL_RECEIVER_FEEDBACK }]
        : [
            {
              mimeType: 'video/H264',
              clockRate: 90000,
              payloadType,
              parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
              rtcpFeedback: LOCAL_RECEIVER_FEEDBACK,
            },
          ];
  return { codecs, encodings: [{ ssrc }] };
}

/** A stable 32-bit SSRC from a name (FNV-1a), so a device's configuration survives restarts. */
export function stableSsrc(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash === 0 ? 1 : hash;
}
