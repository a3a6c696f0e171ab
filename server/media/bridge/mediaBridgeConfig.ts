import { z } from 'zod';

/**
 * The `mediaBridge:` section of roomcast.yaml: what decoded media looks like for pipelines, and where
 * generated audio can go (room speakers through PulseAudio, Icecast mounts). Every field has a default.
 */

export const ICECAST_MOUNT_PATTERN = /^\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const IcecastMountSchema = z.strictObject({
  /** `/ambience.ogg`: what listeners open (`http://<icecast>/ambience.ogg`). */
  mount: z.string().regex(ICECAST_MOUNT_PATTERN, 'must look like "/name.ogg" (a slash, then 1-64 letters, digits, ".", "_" or "-")'),
  /** Shown by Icecast and players. */
  name: z.string().max(200).optional(),
  description: z.string().max(500).optional(),
});

export const MediaBridgeConfigSchema = z.strictObject({
  /** The GStreamer launcher every decoder and audio output runs in (as a supervised child). */
  gstLaunch: z.string().min(1).default('gst-launch-1.0'),
  /** Decoded video for pipelines: packed RGB at exactly this size (letterboxed), at most maxFps. */
  video: z
    .strictObject({
      width: z.number().int().min(16).max(3840).default(640),
      height: z.number().int().min(16).max(2160).default(480),
      maxFps: z.number().min(1).max(120).default(30),
      /** RTP jitter buffer: reorders and waits for late packets this long. */
      jitterBufferMs: z.number().int().min(0).max(2000).default(50),
    })
    .prefault({}),
  /** Decoded audio for pipelines: 48 kHz float32 interleaved. */
  audio: z
    .strictObject({
      channels: z.union([z.literal(1), z.literal(2)]).default(1),
      /** Per consumer: audio older than this is dropped (and counted) when the consumer falls behind. */
      maxQueueMs: z.number().int().min(20).max(60_000).default(500),
      jitterBufferMs: z.number().int().min(0).max(2000).default(40),
    })
    .prefault({}),
  /** A decoder or output child that died is restarted after 100 ms, doubling per crash up to this. */
  maxRestartDelayMs: z.number().int().min(100).max(1_900).default(1_500),
  /** Played audio: how far ahead of the wall clock a playback buffers before `write()` waits. */
  playAheadMs: z.number().int().min(20).max(2_000).default(100),
  /** Generated audio to listeners (`/listen`): the Opus bitrate. */
  listeners: z.strictObject({ opusBitrate: z.number().int().min(6_000).max(510_000).default(64_000) }).prefault({}),
  /** Room speakers: a PulseAudio server and sink. */
  speakers: z
    .strictObject({
      /** PulseAudio server (`unix:/run/user/1000/pulse/native`, `tcp:host:4713`); default: PulseAudio's own lookup. */
      server: z.string().min(1).optional(),
      /** Sink name (`pactl list short sinks`); default: the server's default sink. A play target may name another. */
      sink: z.string().min(1).optional(),
      /** PulseAudio buffer: lower is closer to real time, higher survives a busy machine. */
      bufferMs: z.number().int().min(10).max(2_000).default(100),
    })
    .prefault({}),
  /** Streams for remote listeners through an Icecast server (Ogg/Opus and MP3). */
  icecast: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(1).max(65535).default(8000),
      /** Icecast's source user (`source` unless the mount has its own). */
      username: z.string().min(1).default('source'),
      /** Icecast's `<source-password>`. Empty: Icecast output is off. Never logged. */
      password: z.string().default(''),
      /** The mounts Roomcast may stream to; a play target must name one of them. */
      mounts: z
        .array(IcecastMountSchema)
        .default([])
        .superRefine((mounts, ctx) => {
          const seen = new Set<string>();
          mounts.forEach((m, i) => {
            if (seen.has(m.mount)) ctx.addIssue({ code: 'custom', path: [i, 'mount'], message: `duplicate mount "${m.mount}"` });
            seen.add(m.mount);
          });
        }),
      oggOpusBitrate: z.number().int().min(6_000).max(510_000).default(96_000),
      mp3Bitrate: z.number().int().min(32_000).max(320_000).default(128_000),
    })
    .prefault({}),
});

export type MediaBridgeConfig = z.output<typeof MediaBridgeConfigSchema>;
