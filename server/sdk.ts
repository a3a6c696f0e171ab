/**
 * `roomcast/sdk`: everything a plugin needs, typed. Plugins import only from here, so the server can
 * refactor its insides freely. The server hands plugins this very module (same zod instance, same
 * contracts) whether the plugin lives in node_modules or in a local folder.
 *
 * ```ts
 * import { definePlugin, defineStage, z } from 'roomcast/sdk';
 * export default definePlugin({ name: 'example', stages: [defineStage({...})] });
 * ```
 */
export { z } from 'zod';

// Plugins
export { definePlugin, type PluginDefinition } from './plugins/PluginDefinition.ts';

// Frames and stages
export type { AudioFrame, EventFrame, Frame, FrameKind, FrameOfKind, VideoFrame } from '../pipelines/frames.ts';
export {
  defineStage,
  DEFAULT_QUEUE_POLICY,
  type AnyStageDefinition,
  type AnyStageInstance,
  type Emit,
  type QueueMode,
  type QueuePolicy,
  type StageContext,
  type StageDefinition,
  type StageInstance,
} from '../pipelines/Stage.ts';

// Features (config sections, routes, namespaces, services) — adapters are features
export { defineFeature, type Feature, type FeatureContext } from './features/Feature.ts';
export type { FeatureServiceName, FeatureServices } from './features/FeatureServices.ts';
export type { AppServices } from './AppServices.ts';
export type { HealthReporter } from './health/HealthRegistry.ts';
export { requireRole } from './http/authMiddleware.ts';
/** The router features return from `ctx.addApi(() => router)` (mounted under /api behind the token check). */
export { Router } from '@koa/router';
export { socketAuth } from './sockets/socketAuth.ts';

// Actions
export { defineActionType, type ActionSpec, type ActionTrigger, type ActionType } from './actions/Action.ts';

// Light effects
export {
  defineEffect,
  type EffectDefinition,
  type EffectFixture,
  type EffectRenderer,
  type EffectStartContext,
  type EffectTime,
} from '../adapters/lights/effects/Effect.ts';

// Errors and validation helpers with the server's readable messages
export { NotFoundError, RequestError } from './errors.ts';
export { parseOrThrow, ValidationError } from './validation/formatIssues.ts';

// Media (for stages and features that work with published tracks)
export type { MediaBridge, MediaIngress, MediaSource, ProducerInfo } from './media/MediaContracts.ts';
