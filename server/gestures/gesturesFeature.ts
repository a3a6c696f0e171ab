import { defineFeature } from '../features/Feature.ts';
import { featureDataDir } from '../features/startFeatures.ts';
import type { GestureEvent } from '../protocol/gestureEvents.ts';
import { gestureMonitor } from '../../pipelines/stages/gesture/GestureMonitor.ts';
import { gestureApiRoutes } from './gestureApiRoutes.ts';
import { GestureRuleEngine } from './GestureRuleEngine.ts';
import { GestureRules } from './GestureRules.ts';
import { GestureRuleStore } from './GestureRuleStore.ts';
import { GesturesConfigSchema } from './gesturesConfig.ts';
import { registerGesturesNamespace, type GestureNamespaceHandle } from './gesturesNamespace.ts';
import { SnapshotEncoder } from './SnapshotEncoder.ts';
import './gestureBusEvents.ts';

/** Consumer group of the rule engine: each gesture event fires rules once, whichever process takes it. */
export const GESTURE_RULES_GROUP = 'gesture-rules';

/**
 * The `gestures` feature: rules ("gesture X -> actions") from roomcast.yaml or the Gestures page, the
 * `/api/gestures` routes and the `/gestures` namespace. Gesture stages (run by the pipelines feature)
 * report to the in-process GestureMonitor; this feature publishes their gesture_start / gesture_end as
 * `gesture.start` / `gesture.end` on the event bus and fires rules from the bus. Starts last, so every
 * action type (effect.*, obs.*, plugins') is registered when the rules are checked.
 */
export const gesturesFeature = defineFeature({
  name: 'gestures',
  configSchema: GesturesConfigSchema,
  async start(ctx) {
    const { services, config, logger } = ctx;
    const rooms = services.config.rooms.map((r) => r.id);
    const defaultRoom = rooms[0] ?? 'default';
    const engine = new GestureRuleEngine({ defaultRoom, maxEventAgeMs: config.maxEventAgeMs, logger });
    const rules = new GestureRules({
      configRules: config.rules,
      store: new GestureRuleStore(featureDataDir(ctx.dataDir, 'gestures')),
      engine,
      actions: services.actions,
      rooms,
      logger,
    });
    const health = services.health.register('gestures', { kind: 'subsystem', critical: false });
    const state = rules.state();
    if (state.problem) health.degraded(`saved rules not in use: ${state.problem}`);
    else health.ok();

    // Stage -> bus. Only the process running a stage sees its events, so each is published once.
    const publish = (event: GestureEvent) => {
      void services.bus.publish(event.phase === 'start' ? 'gesture.start' : 'gesture.end', event).catch((err: Error) => {
        logger.warn({ err: err.message, label: event.label, source: event.source }, 'could not publish a gesture event');
      });
    };
    gestureMonitor.on('event', publish);

    // Bus -> rules.
    const consumers = await Promise.all([
      services.bus.consume('gesture.start', GESTURE_RULES_GROUP, (event) => engine.handle(event.payload)),
      services.bus.consume('gesture.end', GESTURE_RULES_GROUP, (event) => engine.handle(event.payload)),
    ]);

    let namespace: GestureNamespaceHandle | undefined;
    const onEvent = (event: GestureEvent) => namespace?.event(event);
    gestureMonitor.on('event', onEvent);
    engine.on('fired', (firing) => {
      if (!firing.ok) logger.warn({ rule: firing.rule, label: firing.event.label, err: firing.error }, 'gesture rule failed');
      else logger.info({ rule: firing.rule, label: firing.event.label, hand: firing.event.hand, source: firing.event.source }, 'gesture rule fired');
      namespace?.fired(firing);
      namespace?.rulesChanged();
    });

    // Edits made through the API reach every open Gestures page.
    ctx.addApi(gestureApiRoutes({ rules, engine, monitor: gestureMonitor, defaultRoom, onRulesChanged: () => namespace?.rulesChanged() }));
    ctx.addNamespace((io, s) => {
      namespace = registerGesturesNamespace(io, s, {
        monitor: gestureMonitor,
        snapshots: new SnapshotEncoder({ width: config.snapshots.width, quality: config.snapshots.quality }, logger),
        maxSnapshotFps: config.snapshots.maxFps,
        rules: () => rules.views(),
        logger,
      });
    });

    logger.info({ rules: state.rules.length, origin: state.origin }, `gestures: ${state.rules.length} rule(s) (${state.origin === 'edited' ? 'saved from the control UI' : 'from the configuration'})`);
    ctx.onStop(async () => {
      gestureMonitor.off('event', publish);
      gestureMonitor.off('event', onEvent);
      engine.close();
      namespace?.close();
      await Promise.all(consumers.map((c) => c.stop()));
      health.down('stopped');
    });
  },
});
