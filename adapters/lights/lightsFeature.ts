import { Counter, Gauge } from 'prom-client';
import { defineFeature } from '../../server/features/Feature.ts';
import { featureDataDir } from '../../server/features/startFeatures.ts';
import { loadProfileLibrary } from '../../hardware/profiles/ProfileLibrary.ts';
import { BUILTIN_EFFECTS } from './effects/builtin/index.ts';
import { EffectRegistry } from './effects/EffectRegistry.ts';
import { LightsEngine, type LightsOutputs } from './engine/LightsEngine.ts';
import { effectActions } from './effectActions.ts';
import { lightsApiRoutes } from './http/lightsApiRoutes.ts';
import { LightsConfigSchema } from './LightsConfigSchema.ts';
import { LightsPatch } from './patch/LightsPatch.ts';
import { PatchStore } from './patch/PatchStore.ts';
import { registerLightsNamespace } from './sockets/lightsNamespace.ts';

declare module '../../server/features/FeatureServices.ts' {
  interface FeatureServices {
    /** Register plugin effects here: they fire exactly like the built-ins. */
    'lights.effects': EffectRegistry;
    'lights.engine': LightsEngine;
  }
}

/**
 * The lights engine as a feature: effects, flash limiting, the patch (roomcast.yaml, or edits saved from
 * the control UI), rendering to the DMX and Hue adapters' outputs (when they exist: it runs the same
 * without), `/api/lights`, the `/lights` namespace, and the `effect.fire` / `effect.stop` actions.
 * Starts after the dmx, hue and obs features (see builtinFeatures.ts).
 */
export const lightsFeature = defineFeature({
  name: 'lights',
  configSchema: LightsConfigSchema,
  start(ctx) {
    const config = ctx.config;
    const logger = ctx.logger;
    const profiles = loadProfileLibrary(config.profileDirs);
    const effects = new EffectRegistry();
    for (const effect of BUILTIN_EFFECTS) effects.register(effect);

    const outputs = (): LightsOutputs => ({ dmx: ctx.optional('dmx.outputs') ?? [], hue: ctx.optional('hue.outputs') ?? [] });
    const hasOutputs = () => outputs().dmx.length + outputs().hue.length > 0;
    const patch = new LightsPatch({
      store: new PatchStore(featureDataDir(ctx.dataDir, 'lights')),
      profiles,
      configPatch: config.fixtures,
      configBaseLook: config.baseLook,
      configScenes: config.scenes,
      demoAllowed: config.demoRig === 'on' || (config.demoRig === 'auto' && !hasOutputs()),
      logger,
    });
    const looks = patch.looks();
    const engine = new LightsEngine({
      effects,
      profiles,
      patch: patch.fixtures,
      baseLook: looks.baseLook,
      scenes: looks.scenes,
      refreshHz: config.refreshHz,
      outputs,
      logger,
    });
    patch.on('change', () => {
      const next = patch.looks();
      engine.setLooks(next.baseLook, next.scenes);
      engine.setPatch(patch.fixtures);
    });
    warnAboutLooks(patch.fixtures, looks, logger);

    const health = ctx.services.health.register('lights', { kind: 'subsystem', critical: false });
    const metricsRegistry = ctx.services.metrics.registry;
    const frames = new Counter({ name: 'roomcast_lights_frames_total', help: 'Frames rendered by the lights engine', registers: [metricsRegistry] });
    const damped = new Gauge({ name: 'roomcast_lights_flash_limited_fixtures', help: 'Fixtures whose output the flash limiter is damping right now', registers: [metricsRegistry] });
    const optedOut = new Gauge({ name: 'roomcast_lights_flash_limit_opt_outs', help: 'Fixtures with the flash limiter turned off in the patch', registers: [metricsRegistry] });
    let lastFrames = 0;
    ctx.services.metrics.onCollect(() => {
      frames.inc(engine.frameCount - lastFrames);
      lastFrames = engine.frameCount;
      damped.set(engine.fixtures.filter((f) => f.limited).length);
      optedOut.set(engine.safetyOptOuts().length);
    });

    for (const action of effectActions(engine, ctx.services.overlay)) ctx.services.actions.register(action);
    ctx.provide('lights.effects', effects);
    ctx.provide('lights.engine', engine);

    const source = { engine, patch, outputs, profiles };
    ctx.addApi((services) => lightsApiRoutes(services, source));
    let closeNamespace: (() => void) | undefined;
    ctx.addNamespace((io, services) => {
      closeNamespace = registerLightsNamespace(io, services, source, config.uiRefreshHz);
    });

    engine.start();
    health.ok();
    const out = outputs();
    logger.info(
      {
        fixtures: engine.fixtures.length,
        patch: patch.source,
        universes: engine.universes,
        dmxOutputs: out.dmx.map((o) => o.id),
        hueOutputs: out.hue.map((o) => o.id),
        refreshHz: engine.refreshHz,
      },
      patch.source === 'demo'
        ? 'lights: no fixtures patched and no outputs: showing the virtual demo rig (see the Lights page)'
        : `lights: ${engine.fixtures.length} fixtures (${patch.source === 'saved' ? 'patch saved from the control UI' : 'patch from config'})`,
    );
    ctx.onStop(() => {
      engine.stopClock();
      closeNamespace?.();
      health.down('stopped');
    });
  },
});

/** Base look and scene entries that name no patched fixture or group: probably typos, never fatal (the patch is editable live). */
function warnAboutLooks(
  fixtures: readonly { id: string; groups: readonly string[] }[],
  looks: ReturnType<LightsPatch['looks']>,
  logger: { warn: (fields: object, message: string) => void },
): void {
  const ids = new Set(fixtures.map((f) => f.id));
  const groups = new Set(fixtures.flatMap((f) => f.groups));
  const check = (where: string, look: (typeof looks)['baseLook']) => {
    for (const id of Object.keys(look.fixtures ?? {})) if (!ids.has(id)) logger.warn({ where, fixture: id }, `${where}.fixtures.${id}: no patched fixture has this id`);
    for (const group of Object.keys(look.groups ?? {})) if (!groups.has(group)) logger.warn({ where, group }, `${where}.groups.${group}: no patched fixture is in this group`);
  };
  check('lights.baseLook', looks.baseLook);
  for (const [name, look] of Object.entries(looks.scenes)) check(`lights.scenes.${name}`, look);
}
