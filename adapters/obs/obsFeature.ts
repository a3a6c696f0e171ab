import { defineFeature } from '../../server/features/Feature.ts';
import { ObsController } from './ObsController.ts';
import { obsActions } from './obsActions.ts';
import { obsApiRoutes } from './obsApiRoutes.ts';
import { ObsConfigSchema } from './obsConfig.ts';
import { reportObsHealth } from './obsHealth.ts';
import type { ObsStatus } from './ObsTypes.ts';

declare module '../../server/features/FeatureServices.ts' {
  interface FeatureServices {
    /** OBS control for later features (effects, gesture rules); present even when obs.enabled is false. */
    obs: ObsController;
  }
}

/**
 * OBS Studio over obs-websocket 5: action types for rules (`obs.*`), `/api/obs/*`, and the
 * `adapter:obs` health entry. The action types exist even when OBS control is off, so rules that
 * use them validate; running one then fails with "OBS control is off".
 */
export const obsFeature = defineFeature({
  name: 'obs',
  configSchema: ObsConfigSchema,
  start(ctx) {
    const obs = new ObsController(ctx.config, ctx.logger);
    for (const action of obsActions(obs)) ctx.services.actions.register(action);
    ctx.provide('obs', obs);
    ctx.addApi(() => obsApiRoutes(obs));
    if (!obs.enabled) return;
    const status = obs.status();
    const health = ctx.services.health.register('adapter:obs', { kind: 'adapter', critical: false, initialReason: status.reason });
    const report = (s: ObsStatus) => reportObsHealth(s, health);
    obs.on('status', report);
    obs.start();
    ctx.onStop(async () => {
      // A planned shutdown is not an outage: no "adapter:obs is down" on the way out.
      obs.off('status', report);
      await obs.stop();
    });
  },
});
