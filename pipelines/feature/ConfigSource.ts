import type { RoomcastConfig } from '../../server/config/schema.ts';

/** Where the running config came from, so the pipelines section can be read again live. */
export interface ConfigSource {
  /** The file a reload reads and the watcher follows (undefined: embedded defaults, nothing to watch). */
  readonly file: string | undefined;
  /** Read and validate everything again, with the same plugins and environment (throws ConfigError). */
  load(): RoomcastConfig;
}
