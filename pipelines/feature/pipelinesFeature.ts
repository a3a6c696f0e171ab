import path from 'node:path';
import { defineFeature } from '../../server/features/Feature.ts';
import { featureDataDir } from '../../server/features/startFeatures.ts';
import { StageCatalog } from '../StageCatalog.ts';
import { BUILTIN_STAGES } from '../stages/builtinStages.ts';
import { pipelinesConfigSchema, type PipelineSpec } from '../config/pipelineConfigSchema.ts';
import type { ConfigSource } from './ConfigSource.ts';
import { PipelineManager } from './PipelineManager.ts';
import { pipelineApiRoutes } from './pipelineApiRoutes.ts';
import { pipelinesNamespace } from './pipelinesNamespace.ts';
import { watchConfigFile, type ConfigWatcher } from './watchConfigFile.ts';

declare module '../../server/features/FeatureServices.ts' {
  interface FeatureServices {
    /** The running pipelines (status, enable/disable, reload). */
    pipelines: PipelineManager;
  }
}

export interface PipelinesFeatureOptions {
  /** Stage types pipelines may use: built-ins plus plugins'. */
  catalog: StageCatalog;
  /** Where reloads read the config (the CLI passes the file it started from). */
  configSource?: ConfigSource | undefined;
}

/**
 * The `pipelines` feature: runs the `pipelines:` section of roomcast.yaml, reloads it when the file
 * changes or on `POST /api/pipelines/reload`, and serves `/api/pipelines` and the `/pipelines` namespace.
 */
export function createPipelinesFeature(options: PipelinesFeatureOptions) {
  return defineFeature({
    name: 'pipelines',
    configSchema: pipelinesConfigSchema(options.catalog),
    async start(ctx) {
      const file = options.configSource?.file;
      const manager = new PipelineManager({
        catalog: options.catalog,
        services: ctx.services,
        config: ctx.root,
        media: () => ({ ingress: ctx.optional('media.ingress'), bridge: ctx.optional('media.bridge') }),
        logger: ctx.logger,
        dataDir: featureDataDir(ctx.dataDir, 'pipelines'),
        baseDir: file ? path.dirname(file) : process.cwd(),
        configSource: options.configSource,
      });
      await manager.start(ctx.config as PipelineSpec[]);
      ctx.provide('pipelines', manager);
      ctx.addApi(pipelineApiRoutes(manager));
      const namespaceLifetime = new AbortController();
      ctx.addNamespace(pipelinesNamespace(manager, namespaceLifetime.signal));
      const watcher: ConfigWatcher | undefined = file ? watchConfigFile(file, () => manager.reload('file'), ctx.logger) : undefined;
      ctx.onStop(async () => {
        namespaceLifetime.abort();
        await watcher?.close();
        await manager.stop();
      });
    },
  });
}

/** The built-in entry (built-in stages only); the CLI swaps in one with plugin stages and the config file. */
export const pipelinesFeature = createPipelinesFeature({ catalog: new StageCatalog(BUILTIN_STAGES) });
