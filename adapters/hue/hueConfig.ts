import { z } from 'zod';

/**
 * The `hue` section of roomcast.yaml:
 *
 * ```yaml
 * hue:
 *   bridges:
 *     - id: living          # used in health (adapter:hue:living), the API and the patch
 *       host: 192.168.1.20
 *       port: 80            # plain HTTP, the v1 API
 * ```
 * Pairing (`POST /api/hue/bridges/living/pair`, then press the link button) stores the bridge's
 * username in the data dir; `token` is only for reusing a username obtained elsewhere.
 */

const bridgeId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit');

export const HueBridgeConfigSchema = z.strictObject({
  id: bridgeId,
  /** The bridge's IP address or host name. */
  host: z.string().min(1).max(253),
  /** HTTP port of the bridge's v1 API (80 on a real bridge). */
  port: z.number().int().min(1).max(65535).default(80),
  /**
   * The bridge's API username (Hue calls it the "application key"). Normally left out: pairing obtains
   * one and keeps it in the data dir. Named `token` so the logger redacts it wherever it appears.
   */
  token: z.string().min(1).max(128).optional(),
});

export type HueBridgeConfig = z.output<typeof HueBridgeConfigSchema>;

export const HueConfigSchema = z.strictObject({
  bridges: z
    .array(HueBridgeConfigSchema)
    .default([])
    .superRefine((bridges, ctx) => {
      const ids = new Map<string, number>();
      const endpoints = new Map<string, number>();
      bridges.forEach((bridge, index) => {
        const sameId = ids.get(bridge.id.toLowerCase());
        if (sameId !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate bridge id "${bridge.id}" (also bridges[${sameId}])` });
        ids.set(bridge.id.toLowerCase(), index);
        const endpoint = `${bridge.host.toLowerCase()}:${bridge.port}`;
        const sameEndpoint = endpoints.get(endpoint);
        if (sameEndpoint !== undefined) {
          ctx.addIssue({ code: 'custom', path: [index, 'host'], message: `bridges[${sameEndpoint}] already uses ${endpoint}: one entry per bridge, or its limits are shared unknowingly` });
        }
        endpoints.set(endpoint, index);
      });
    }),
  /** Light commands per second per bridge. A bridge handles ~10; lower it when other apps drive the same bridge. */
  lightCommandsPerSecond: z.number().min(0.1).max(10).default(10),
  /** Group commands per second per bridge. A bridge handles ~1 (a group command is a Zigbee broadcast). */
  groupCommandsPerSecond: z.number().min(0.05).max(1).default(1),
  /** How often a connected bridge is checked (lights and groups rediscovered); also the reconnect interval. */
  pollIntervalMs: z.number().int().min(100).max(600_000).default(5_000),
  /** How long pairing keeps asking while you walk to the bridge and press its link button. */
  pairingTimeoutMs: z.number().int().min(1_000).max(120_000).default(30_000),
  /** A request the bridge does not answer within this long counts as the bridge being unreachable. */
  requestTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
});

export type HueConfig = z.output<typeof HueConfigSchema>;

/** The per-bridge settings the runtime needs (everything in the section except the bridge list). */
export type HueSettings = Omit<HueConfig, 'bridges'>;
