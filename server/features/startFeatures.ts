import path from 'node:path';
import type { AppServices } from '../AppServices.ts';
import type { ApiRouterFactory } from '../http/createHttpApp.ts';
import type { NamespaceFactory } from '../sockets/createSocketServer.ts';
import type { Feature, FeatureContext } from './Feature.ts';
import type { FeatureServiceName, FeatureServices } from './FeatureServices.ts';

export interface MountedFeatures {
  api: ApiRouterFactory[];
  namespaces: NamespaceFactory[];
}

/**
 * Start features in order, each with its own config section, logger and data folder. A feature that
 * fails to start stops the server start with its name in the error: half-configured lights or media
 * are worse than a clear refusal.
 */
export async function startFeatures(
  features: readonly Feature[],
  host: { services: AppServices; dataDir: string; onStop: (name: string, stop: () => Promise<void> | void) => void },
): Promise<MountedFeatures> {
  const mounted: MountedFeatures = { api: [], namespaces: [] };
  const provided = new Map<string, { by: string; service: unknown }>();
  for (const feature of features) {
    const ctx: FeatureContext<unknown> = {
      config: host.services.config[feature.name],
      root: host.services.config,
      services: host.services,
      dataDir: host.dataDir,
      logger: host.services.logger.child({ feature: feature.name }),
      addApi: (factory) => void mounted.api.push(factory),
      addNamespace: (factory) => void mounted.namespaces.push(factory),
      provide: (name, service) => {
        const existing = provided.get(name);
        if (existing) throw new Error(`feature "${feature.name}" provides "${name}", which "${existing.by}" already provides`);
        provided.set(name, { by: feature.name, service });
      },
      use: <K extends FeatureServiceName>(name: K): FeatureServices[K] => {
        const entry = provided.get(name);
        if (!entry) throw new Error(`feature "${feature.name}" needs the "${name}" service, which no earlier feature provides (check the feature order)`);
        return entry.service as FeatureServices[K];
      },
      optional: <K extends FeatureServiceName>(name: K): FeatureServices[K] | undefined => provided.get(name)?.service as FeatureServices[K] | undefined,
      onStop: (stop) => host.onStop(`feature:${feature.name}`, stop),
    };
    try {
      await feature.start(ctx as FeatureContext<never>);
    } catch (err) {
      throw new Error(`feature "${feature.name}" failed to start: ${(err as Error).message}`, { cause: err });
    }
  }
  return mounted;
}

/** `<dataDir>/<feature>`: where a feature keeps its own files. */
export function featureDataDir(dataDir: string, feature: string): string {
  return path.join(dataDir, feature);
}
