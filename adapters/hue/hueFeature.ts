import { defineFeature } from '../../server/features/Feature.ts';
import { featureDataDir } from '../../server/features/startFeatures.ts';
import { HueBridge } from './HueBridge.ts';
import { hueApiRoutes } from './hueApiRoutes.ts';
import { HueConfigSchema } from './hueConfig.ts';
import { HueMetrics } from './hueMetrics.ts';
import { HuePairingStore } from './HuePairingStore.ts';

/**
 * Philips Hue bridges as light outputs (`hue.outputs`, one HueOutput per configured bridge), with
 * pairing and discovery under `/api/hue/bridges`, and a health entry per bridge (`adapter:hue:<id>`).
 * No bridges configured is normal: the lights engine then drives DMX and virtual fixtures only.
 */
export const hueFeature = defineFeature({
  name: 'hue',
  configSchema: HueConfigSchema,
  start(ctx) {
    const { bridges: bridgeConfigs, ...settings } = ctx.config;
    const pairings = new HuePairingStore(featureDataDir(ctx.dataDir, 'hue'), ctx.logger);
    const bridges: HueBridge[] = [];
    const metrics = new HueMetrics(ctx.services.metrics.registry, () => bridges);
    for (const config of bridgeConfigs) {
      const health = ctx.services.health.register(`adapter:hue:${config.id}`, { kind: 'adapter', critical: false, initialReason: `connecting to ${config.host}:${config.port}` });
      bridges.push(new HueBridge({ config, settings, pairings, health, logger: ctx.logger, metrics }));
    }
    for (const bridge of bridges) bridge.start();
    ctx.provide('hue.outputs', bridges);
    ctx.addApi(() => hueApiRoutes(bridges));
    ctx.onStop(async () => {
      await Promise.all(bridges.map((b) => b.stop()));
    });
  },
});
