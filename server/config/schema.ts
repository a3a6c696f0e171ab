import { z } from 'zod';
import type { Feature } from '../features/Feature.ts';
import { BUILTIN_FEATURES } from '../features/builtinFeatures.ts';

/**
 * roomcast.yaml. Every object is strict: an unknown key is a typo until proven otherwise, and a typo in
 * a safety setting must not be silently ignored. Later features add their sections here.
 */

export const DEFAULT_PORT = 8480;
export const DEFAULT_HOST = '127.0.0.1';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit');

export const ServerConfigSchema = z.strictObject({
  /** Interface to bind. Loopback by default: exposing Roomcast is an explicit decision. */
  host: z.string().min(1).default(DEFAULT_HOST),
  port: z.number().int().min(0).max(65535).default(DEFAULT_PORT),
  /** Base URL users reach the server at (behind a proxy, or another host name); used in printed links. */
  publicUrl: z.url().optional(),
  /** Browser origins allowed to call the API cross-origin. Empty: CORS closed. */
  corsOrigins: z.array(z.url()).default([]),
  /** Trust X-Forwarded-For (only behind a reverse proxy you control): rate limits key on the real client. */
  trustProxy: z.boolean().default(false),
});

export const LogConfigSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Human-readable lines; defaults to on when stdout is a terminal. */
  pretty: z.boolean().optional(),
});

export const RedisConfigSchema = z.strictObject({
  /** Use this Redis instead of starting a private one (`redis://user:pass@host:6379/0`). */
  url: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  /** Prefix of every key Roomcast writes, so several installations can share one Redis. */
  keyPrefix: z.string().regex(/^[A-Za-z0-9:_-]*$/).default('roomcast:'),
  /** The embedded server's executable (used only without `url`). */
  serverBinary: z.string().min(1).default('redis-server'),
});

export const AuthConfigSchema = z.strictObject({
  /** Failed token attempts allowed per client address within `failureWindowSeconds`. */
  maxFailures: z.number().int().min(1).default(10),
  failureWindowSeconds: z.number().int().min(1).default(60),
  /** How long a client address stays blocked after too many failures. */
  blockSeconds: z.number().int().min(1).default(300),
});

export const MetricsConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Prometheus can send a bearer token; metrics reveal topology, so they need one by default. */
  requireToken: z.boolean().default(true),
});

export const BusConfigSchema = z.strictObject({
  /** Approximate number of events kept per stream (older ones are trimmed). */
  maxLength: z.number().int().min(100).default(100_000),
  /** An event unacknowledged this long by a consumer that went away is claimed by another. */
  claimIdleMs: z.number().int().min(100).default(30_000),
  /** After this many failed deliveries an event moves to the stream's dead-letter stream. */
  maxDeliveries: z.number().int().min(1).default(5),
});

export const RoomConfigSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
});

export const BaseConfigSchema = z.strictObject({
  /** Where state lives (private Redis AOF, caches). Relative paths resolve against the config file's folder. */
  dataDir: z.string().min(1).default('.roomcast'),
  server: ServerConfigSchema.prefault({}),
  log: LogConfigSchema.prefault({}),
  redis: RedisConfigSchema.prefault({}),
  auth: AuthConfigSchema.prefault({}),
  metrics: MetricsConfigSchema.prefault({}),
  bus: BusConfigSchema.prefault({}),
  rooms: z
    .array(RoomConfigSchema)
    .default([{ id: 'demo', name: 'Demo room' }])
    .superRefine((rooms, ctx) => {
      const seen = new Set<string>();
      rooms.forEach((room, index) => {
        if (seen.has(room.id)) {
          ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate room id "${room.id}"` });
        }
        seen.add(room.id);
      });
    }),
});

/** The sections every installation has; features add theirs (see configSchemaFor). */
export type BaseConfig = z.output<typeof BaseConfigSchema>;

/** The validated config: the base sections, plus one section per feature (typed inside each feature). */
export type RoomcastConfig = BaseConfig & { readonly [featureSection: string]: unknown };

/** The full schema for a set of features: each contributes its section under its name. */
export function configSchemaFor(features: readonly Pick<Feature, 'name' | 'configSchema'>[]): z.ZodType<RoomcastConfig> {
  const sections: Record<string, z.ZodType> = {};
  for (const feature of features) {
    if (feature.name in BaseConfigSchema.shape || feature.name in sections) {
      throw new Error(`feature "${feature.name}" cannot use that name: the config section already exists`);
    }
    const schema = feature.configSchema as z.ZodType<unknown, object>;
    // A section whose schema already accepts "absent" (a list with a default, like `pipelines:`) is used
    // as is; an object section gets `{}` so its own field defaults apply.
    sections[feature.name] = schema.safeParse(undefined).success ? schema : schema.prefault({});
  }
  return BaseConfigSchema.extend(sections) as unknown as z.ZodType<RoomcastConfig>;
}

/** Base sections plus every built-in feature's. */
export const RoomcastConfigSchema = configSchemaFor(BUILTIN_FEATURES);
export type RoomConfig = z.output<typeof RoomConfigSchema>;
