import { Router } from '@koa/router';
import { z } from 'zod';
import { defineFeature } from '../features/Feature.ts';
import { PluginSet } from './PluginSet.ts';

declare module '../features/FeatureServices.ts' {
  interface FeatureServices {
    /** The loaded plugins (what each brings). */
    plugins: PluginSet;
  }
}

/** `plugins:` in roomcast.yaml: npm package names or local paths (relative to the config file). */
export const PluginsConfigSchema = z
  .array(z.string().min(1))
  .default([])
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry)) ctx.addIssue({ code: 'custom', path: [index], message: `"${entry}" is listed twice` });
      seen.add(entry);
    });
  });

/**
 * The `plugins` feature: registers what loaded plugins bring to shared registries (action types; light
 * effects into `lights.effects`) and lists them at `GET /api/plugins`. Plugin stages go to the pipelines
 * feature's catalog and plugin features start right after this one (see composeFeatures). It starts
 * after the built-in adapters and lights, and before features that validate rules against actions.
 */
export function createPluginsFeature(set: PluginSet) {
  return defineFeature({
    name: 'plugins',
    configSchema: PluginsConfigSchema,
    start(ctx) {
      for (const { plugin, action } of set.actions) {
        try {
          ctx.services.actions.register(action);
        } catch (err) {
          throw new Error(`plugin "${plugin}": ${(err as Error).message}`, { cause: err });
        }
      }
      const effects = set.effects;
      if (effects.length) {
        const registry = ctx.optional('lights.effects');
        if (!registry) throw new Error(`plugin "${effects[0]!.plugin}" brings light effects, but the lights feature is not running`);
        for (const { plugin, effect } of effects) {
          try {
            registry.register(effect);
          } catch (err) {
            throw new Error(`plugin "${plugin}": ${(err as Error).message}`, { cause: err });
          }
        }
      }
      ctx.provide('plugins', set);
      ctx.addApi(() => new Router().get('/plugins', (c) => void (c.body = { plugins: set.summaries() })));
      if (set.plugins.length) ctx.logger.info({ plugins: set.summaries().map((p) => p.name) }, `${set.plugins.length} plugin(s) loaded`);
    },
  });
}

/** The built-in entry: no plugins (the CLI swaps in the loaded set). */
export const pluginsFeature = createPluginsFeature(new PluginSet());
