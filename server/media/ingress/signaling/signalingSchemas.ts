import { z } from 'zod';
import { PRODUCER_LABEL_PATTERN, ZONE_PATTERN } from '../../../protocol/mediaEvents.ts';

/**
 * Zod schemas of every `/media` signaling payload. Requests are strict (an unknown key is a client bug
 * worth naming); the mediasoup parameter objects inside are loose, because browsers add fields over
 * time and mediasoup validates them again itself. Sizes are capped so one message can't be huge.
 */

const id = z.string().min(1).max(128);
const uint32 = z.number().int().min(0).max(0xffffffff);
const paramValue = z.union([z.string().max(1024), z.number(), z.boolean()]);
const parameters = z.record(z.string().max(128), paramValue).refine((record) => Object.keys(record).length <= 64, 'at most 64 parameters');
const kind = z.enum(['audio', 'video']);

const RtcpFeedbackSchema = z.looseObject({ type: z.string().min(1).max(64), parameter: z.string().max(64).optional() });

const RtpCodecParametersSchema = z.looseObject({
  mimeType: z.string().regex(/^(audio|video)\/[A-Za-z0-9._-]{1,64}$/, 'must look like "audio/opus" or "video/VP8"'),
  payloadType: z.number().int().min(0).max(127),
  clockRate: z.number().int().min(1).max(1_000_000),
  channels: z.number().int().min(1).max(8).optional(),
  parameters: parameters.optional(),
  rtcpFeedback: z.array(RtcpFeedbackSchema).max(32).optional(),
});

const RtpHeaderExtensionParametersSchema = z.looseObject({
  uri: z.string().min(1).max(256),
  id: z.number().int().min(1).max(255),
  encrypt: z.boolean().optional(),
  parameters: parameters.optional(),
});

const RtpEncodingParametersSchema = z.looseObject({
  ssrc: uint32.optional(),
  rid: z.string().max(32).optional(),
  codecPayloadType: z.number().int().min(0).max(127).optional(),
  rtx: z.looseObject({ ssrc: uint32 }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: z.string().max(16).optional(),
  maxBitrate: z.number().min(0).optional(),
});

export const RtpParametersSchema = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(RtpCodecParametersSchema).min(1).max(32),
  headerExtensions: z.array(RtpHeaderExtensionParametersSchema).max(32).optional(),
  encodings: z.array(RtpEncodingParametersSchema).max(8).optional(),
  rtcp: z.looseObject({ cname: z.string().max(256).optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
});

const RtpCodecCapabilitySchema = z.looseObject({
  kind,
  mimeType: z.string().regex(/^(audio|video)\/[A-Za-z0-9._-]{1,64}$/, 'must look like "audio/opus" or "video/VP8"'),
  preferredPayloadType: z.number().int().min(0).max(127).optional(),
  clockRate: z.number().int().min(1).max(1_000_000),
  channels: z.number().int().min(1).max(8).optional(),
  parameters: parameters.optional(),
  rtcpFeedback: z.array(RtcpFeedbackSchema).max(32).optional(),
});

const RtpHeaderExtensionCapabilitySchema = z.looseObject({
  kind: kind.optional(),
  uri: z.string().min(1).max(256),
  preferredId: z.number().int().min(1).max(255),
  preferredEncrypt: z.boolean().optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']).optional(),
});

export const RtpCapabilitiesSchema = z.looseObject({
  codecs: z.array(RtpCodecCapabilitySchema).max(128).optional(),
  headerExtensions: z.array(RtpHeaderExtensionCapabilitySchema).max(64).optional(),
});

export const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(
      z.looseObject({
        algorithm: z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']),
        value: z.string().regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})+$/, 'must be colon-separated hex bytes'),
      }),
    )
    .min(1)
    .max(8),
});

export const GetRouterRtpCapabilitiesRequest = z.strictObject({
  room: z.string().min(1).max(64),
  publisherId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, "-" or "_"').optional(),
});
export const SetRtpCapabilitiesRequest = z.strictObject({ rtpCapabilities: RtpCapabilitiesSchema });
export const CreateTransportRequest = z.strictObject({ direction: z.enum(['send', 'recv']) });
export const TransportRequest = z.strictObject({ transportId: id });
export const ConnectTransportRequest = z.strictObject({ transportId: id, dtlsParameters: DtlsParametersSchema });
export const ProduceRequest = z.strictObject({
  transportId: id,
  kind,
  rtpParameters: RtpParametersSchema,
  label: z.string().regex(PRODUCER_LABEL_PATTERN, 'must be 1-64 letters, digits, space, ".", "_" or "-", starting with a letter or digit'),
  measurement: z.boolean().optional(),
});
export const CloseProducerRequest = z.strictObject({ producerId: id });
export const ListenRequest = z.strictObject({ zone: z.string().regex(ZONE_PATTERN, 'must be 1-64 letters, digits, "-" or "_"') });
export const ConsumeRequest = z.strictObject({ transportId: id, producerId: id });
export const ConsumerRequest = z.strictObject({ consumerId: id });
export const ProducerStatsRequest = z.strictObject({ producerId: id });
