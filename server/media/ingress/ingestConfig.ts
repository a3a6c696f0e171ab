import os from 'node:os';
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The `ingest:` section of roomcast.yaml: mediasoup workers, where WebRTC listens, and plain-RTP inputs
 * for devices without a browser. Every field has a default: ingest runs on loopback out of the box.
 */

const ipAddress = z.string().refine((value) => isIP(value) !== 0, 'must be an IPv4 or IPv6 address');

export const ListenIpSchema = z
  .strictObject({
    /** Local address WebRTC transports bind (`0.0.0.0` for every interface, then announcedAddress is required). */
    ip: ipAddress,
    /** Address written into ICE candidates when clients must use another one (NAT, a public IP, a host name). */
    announcedAddress: z.string().min(1).max(253).optional(),
  })
  .superRefine((listen, ctx) => {
    // Browsers cannot connect to a candidate of 0.0.0.0 or ::.
    if ((listen.ip === '0.0.0.0' || listen.ip === '::') && !listen.announcedAddress) {
      ctx.addIssue({ code: 'custom', path: ['announcedAddress'], message: `required when ip is ${listen.ip}: the address browsers and devices should send to` });
    }
  });

export const RTP_INPUT_CODECS = ['opus', 'vp8', 'h264'] as const;
export type RtpInputCodecName = (typeof RTP_INPUT_CODECS)[number];

export const RtpInputSchema = z
  .strictObject({
    room: z.string().min(1),
    /** Shown as the producer's label; unique per room. */
    label: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'must be 1-64 letters, digits, space, ".", "_" or "-"'),
    kind: z.enum(['audio', 'video']),
    codec: z.enum(RTP_INPUT_CODECS),
    /** UDP port the device sends to (fixed, so its configuration never changes); default: one from the port range. */
    port: z.number().int().min(1024).max(65535).optional(),
    /** RTP payload type the device uses. Default: 111 for Opus, 96 for VP8, 97 for H264. */
    payloadType: z.number().int().min(96).max(127).optional(),
    /** SSRC the device uses. Default: derived from room and label, so it stays the same across restarts. */
    ssrc: z.number().int().min(1).max(0xffffffff).optional(),
  })
  .superRefine((input, ctx) => {
    const audio = input.codec === 'opus';
    if (audio !== (input.kind === 'audio')) {
      ctx.addIssue({ code: 'custom', path: ['codec'], message: `codec "${input.codec}" does not carry ${input.kind}` });
    }
  });
export type RtpInputConfig = z.output<typeof RtpInputSchema>;

export const IngestConfigSchema = z
  .strictObject({
    /** mediasoup workers (one C++ process each). Default: one per core. */
    workers: z.number().int().min(1).max(64).default(() => os.availableParallelism()),
    /** The workers' own log level (their lines go to the server log). */
    workerLogLevel: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
    /** Where WebRTC transports listen. Loopback by default: exposing media is an explicit decision. */
    listenIps: z.array(ListenIpSchema).min(1).default([{ ip: '127.0.0.1' }]),
    /** UDP/TCP ports WebRTC and plain-RTP transports use (open these in a firewall). */
    rtcMinPort: z.number().int().min(1024).max(65535).default(40000),
    rtcMaxPort: z.number().int().min(1024).max(65535).default(49999),
    /** Offer ICE over TCP as well as UDP (for networks that block UDP). */
    enableTcp: z.boolean().default(true),
    /** Ceiling of what one publisher transport may send to us (bits/s). */
    maxIncomingBitrate: z.number().int().min(100_000).default(5_000_000),
    /** Starting estimate for what we may send to a listener (bits/s). */
    initialAvailableOutgoingBitrate: z.number().int().min(100_000).default(1_000_000),
    /**
     * Consumers (listeners, taps) per router before another router on the next worker takes the
     * overflow through pipeToRouter (mediasoup handles ~500 per worker and core).
     */
    maxConsumersPerRouter: z.number().int().min(1).default(400),
    /**
     * How long a publication whose publisher vanished (connection lost, worker restart) keeps its
     * producer id for the publisher to come back; after that it is closed for good.
     */
    reconnectGraceMs: z.number().int().min(0).max(600_000).default(30_000),
    /** Limits per signaling connection, so one client cannot exhaust a worker. */
    maxTransportsPerConnection: z.number().int().min(1).default(4),
    maxProducersPerConnection: z.number().int().min(1).default(8),
    maxConsumersPerConnection: z.number().int().min(1).default(16),
    /** A plain-RTP input that was receiving and has been silent this long turns `media:rtp-inputs` degraded. */
    rtpInputSilenceMs: z.number().int().min(500).default(10_000),
    /** Plain-RTP inputs for devices without a browser (Opus/VP8/H264 over UDP, comedia). */
    rtpInputs: z.array(RtpInputSchema).default([]),
  })
  .superRefine((config, ctx) => {
    if (config.rtcMinPort > config.rtcMaxPort) {
      ctx.addIssue({ code: 'custom', path: ['rtcMaxPort'], message: `must be >= rtcMinPort (${config.rtcMinPort})` });
    }
    const labels = new Set<string>();
    config.rtpInputs.forEach((input, index) => {
      const key = `${input.room}\u0000${input.label}`;
      if (labels.has(key)) ctx.addIssue({ code: 'custom', path: ['rtpInputs', index, 'label'], message: `duplicate label "${input.label}" in room "${input.room}"` });
      labels.add(key);
    });
  });

export type IngestConfig = z.output<typeof IngestConfigSchema>;
