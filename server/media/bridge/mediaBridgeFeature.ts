import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { defineFeature } from '../../features/Feature.ts';
import { MediaBridgeConfigSchema } from './mediaBridgeConfig.ts';
import { MediaBridgeMetrics } from './mediaBridgeMetrics.ts';
import { MediaBridgeService } from './MediaBridgeService.ts';

const execFileAsync = promisify(execFile);

/**
 * `mediaBridge`: producers' RTP decoded to frames and PCM for pipelines, and PCM played to listeners,
 * room speakers and Icecast. Every GStreamer pipeline runs as a supervised gst-launch child, so a
 * GStreamer crash costs one child, never the server. Uses 'media.ingress'; provides 'media.bridge'.
 */
export const mediaBridgeFeature = defineFeature({
  name: 'mediaBridge',
  configSchema: MediaBridgeConfigSchema,
  async start(ctx) {
    const { config, services, logger } = ctx;
    const health = services.health.register('media:bridge', { kind: 'subsystem', critical: false, initialReason: 'checking GStreamer' });
    try {
      const { stdout } = await execFileAsync(config.gstLaunch, ['--version'], { timeout: 10_000 });
      health.ok();
      logger.debug({ gstreamer: /GStreamer ([\d.]+)/.exec(stdout)?.[1] }, 'media bridge ready');
    } catch (err) {
      // The server still serves everything else; each decoder and output reports the same problem.
      health.down(`${config.gstLaunch} cannot run (${(err as Error).message}): install gstreamer1.0-tools and the plugin packages (npm run setup)`);
    }
    const bridge = new MediaBridgeService({
      ingress: ctx.use('media.ingress'),
      config,
      health: services.health,
      logger,
      metrics: new MediaBridgeMetrics(services.metrics.registry),
    });
    ctx.onStop(() => bridge.close());
    ctx.provide('media.bridge', bridge);
  },
});
