import { defineFeature } from '../../features/Feature.ts';
import { IngestConfigSchema } from './ingestConfig.ts';
import { registerIngestMetrics } from './ingestMetrics.ts';
import { mediaApiRoutes } from './mediaApiRoutes.ts';
import { MediaIngressService } from './MediaIngressService.ts';
import { MediaWorkerPool } from './MediaWorkerPool.ts';
import { PlainRtpInputs } from './PlainRtpInputs.ts';
import { RtpInputStore } from './RtpInputStore.ts';
import { registerMediaNamespace } from './signaling/mediaNamespace.ts';

/**
 * `ingest`: WebRTC and plain-RTP media into Roomcast through mediasoup (supervised workers, one router
 * per room), the `/media` signaling namespace for the capture and listen pages, `/api/media/*`, and the
 * `media.ingress` service the media bridge taps.
 */
export const ingestFeature = defineFeature({
  name: 'ingest',
  configSchema: IngestConfigSchema,
  async start(ctx) {
    const { config, services, logger } = ctx;
    const roomIds = ctx.root.rooms.map((room) => room.id);
    config.rtpInputs.forEach((input, index) => {
      if (!roomIds.includes(input.room)) throw new Error(`ingest.rtpInputs[${index}].room: unknown room "${input.room}" (known: ${roomIds.join(', ') || 'none'})`);
    });

    const pool = new MediaWorkerPool({
      count: config.workers,
      settings: { logLevel: config.workerLogLevel, rtcMinPort: config.rtcMinPort, rtcMaxPort: config.rtcMaxPort },
      logger,
      health: services.health.register('media:workers', { kind: 'subsystem', critical: false }),
    });
    await pool.start();
    ctx.onStop(() => pool.stop());

    const service = new MediaIngressService({ config, pool, roomIds, logger });
    ctx.onStop(() => service.close());
    await service.start();

    const inputs = new PlainRtpInputs({
      service,
      config,
      logger,
      health: services.health.register('media:rtp-inputs', { kind: 'subsystem', critical: false }),
      store: new RtpInputStore(ctx.dataDir),
    });
    ctx.onStop(() => inputs.close());
    await inputs.start();

    registerIngestMetrics(services.metrics, service);
    ctx.provide('media.ingress', service);
    ctx.addApi(() => mediaApiRoutes(service, inputs));
    ctx.addNamespace((io, appServices) => void registerMediaNamespace(io, appServices, service, logger));
    logger.info({ workers: config.workers, rooms: roomIds, listenIps: config.listenIps.map((l) => l.announcedAddress ?? l.ip), rtpInputs: config.rtpInputs.length }, 'media ingest ready');
  },
});
