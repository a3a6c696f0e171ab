import type { z } from 'zod';
import type { Logger } from 'pino';
import type { AppServices } from '../AppServices.ts';
import type { RoomcastConfig } from '../config/schema.ts';
import type { ApiRouterFactory } from '../http/createHttpApp.ts';
import type { NamespaceFactory } from '../sockets/createSocketServer.ts';
import type { FeatureServiceName, FeatureServices } from './FeatureServices.ts';

/** What a feature gets while it starts. */
export interface FeatureContext<Config> {
  /** This feature's validated `roomcast.yaml` section (defaults applied). */
  config: Config;
  /** The whole validated config, read-only. */
  root: Readonly<RoomcastConfig>;
  services: AppServices;
  /** Absolute data directory; keep feature state under `<dataDir>/<feature name>/`. */
  dataDir: string;
  /** Logger bound to `{ feature: name }`. */
  logger: Logger;
  /** Mount routes under /api (behind the same token check; use requireRole for writes). */
  addApi(factory: ApiRouterFactory): void;
  /** Add a socket.io namespace (authenticate it with socketAuth). */
  addNamespace(factory: NamespaceFactory): void;
  /** Offer a service to features that start later. */
  provide<K extends FeatureServiceName>(name: K, service: FeatureServices[K]): void;
  /** A service an earlier feature provided; throws naming the missing provider otherwise. */
  use<K extends FeatureServiceName>(name: K): FeatureServices[K];
  /** A service that may legitimately be absent (e.g. no DMX adapter configured). */
  optional<K extends FeatureServiceName>(name: K): FeatureServices[K] | undefined;
  /** Run on shutdown, in reverse start order, within the 5 s shutdown budget. */
  onStop(stop: () => Promise<void> | void): void;
}

/**
 * One built-in subsystem or plugin-provided capability: a named config section plus a start function.
 * Built-ins and third-party plugins use this same contract.
 */
export interface Feature<Schema extends z.ZodType = z.ZodType> {
  /** Unique; also its roomcast.yaml key (camelCase, e.g. `lights`, `ingest`). */
  name: string;
  /** Its config section: a strict object whose fields all have defaults, so the section is optional. */
  configSchema: Schema;
  start(ctx: FeatureContext<z.output<Schema>>): Promise<void> | void;
}

/** Identity helper that keeps the section type attached to `start` (`defineFeature({...})`). */
export function defineFeature<Schema extends z.ZodType>(feature: Feature<Schema>): Feature<Schema> {
  return feature;
}
