import { z } from 'zod';

/**
 * The `obs:` section of roomcast.yaml. Off by default: Roomcast must not knock on a WebSocket port
 * nobody asked it to use. The password is a secret: it is only ever sent to OBS (as the challenge
 * response, never in clear) and its field name keeps it out of logs.
 */
export const ObsConfigSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** OBS > Tools > WebSocket Server Settings: the server's address and port (obs-websocket 5, OBS 28+). */
  url: z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL, e.g. ws://127.0.0.1:4455' }).default('ws://127.0.0.1:4455'),
  /** The server password, when OBS requires one (also ROOMCAST_OBS__PASSWORD, to keep it out of files). */
  password: z.string().min(1, 'must not be empty: remove the key when OBS needs no password').optional(),
  /** OBS may start after Roomcast or restart during a show: Roomcast retries forever, backing off to maxDelayMs. */
  reconnect: z
    .strictObject({
      initialDelayMs: z.number().int().min(10).default(500),
      maxDelayMs: z.number().int().min(10).default(10_000),
    })
    .prefault({})
    .refine((r) => r.maxDelayMs >= r.initialDelayMs, { message: 'maxDelayMs must be at least initialDelayMs', path: ['maxDelayMs'] }),
  /** How long one request (or batch) may take before it fails; also bounds the connect handshake. */
  requestTimeoutMs: z.number().int().min(100).default(5_000),
});

export type ObsConfig = z.output<typeof ObsConfigSchema>;

/** The URL as shown in health reasons and errors: without any user:password part. */
export function displayObsUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}
