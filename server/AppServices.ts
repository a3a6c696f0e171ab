import type { Logger } from 'pino';
import type { RoomcastConfig } from './config/schema.ts';
import type { HealthRegistry } from './health/HealthRegistry.ts';
import type { RoomcastMetrics } from './metrics/RoomcastMetrics.ts';
import type { TokenStore } from './auth/TokenStore.ts';
import type { Authenticator } from './auth/Authenticator.ts';
import type { EventBus } from './bus/EventBus.ts';
import type { PubSub } from './bus/PubSub.ts';
import type { RedisClient } from './redis/RedisConnection.ts';
import type { OverlayService } from './overlay-state/OverlayService.ts';
import type { ActionRegistry } from './actions/ActionRegistry.ts';

/** What routes, socket namespaces and (later) pipelines and adapters get from the composition root. */
export interface AppServices {
  config: RoomcastConfig;
  logger: Logger;
  health: HealthRegistry;
  metrics: RoomcastMetrics;
  redis: RedisClient;
  tokens: TokenStore;
  auth: Authenticator;
  bus: EventBus;
  pubsub: PubSub;
  overlay: OverlayService;
  /** Action types rules can use (overlay.*, effect.*, obs.*...); features register theirs at start. */
  actions: ActionRegistry;
}
