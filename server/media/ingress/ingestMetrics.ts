import { Gauge } from 'prom-client';
import type { RoomcastMetrics } from '../../metrics/RoomcastMetrics.ts';
import type { MediaIngressService } from './MediaIngressService.ts';

/** Ingest's gauges on the server's registry, read from live objects at scrape time. */
export function registerIngestMetrics(metrics: RoomcastMetrics, service: MediaIngressService): void {
  const producers = new Gauge({
    name: 'roomcast_media_producers',
    help: 'Publications (producers) by room, kind, origin and whether their media is interrupted',
    labelNames: ['room', 'kind', 'origin', 'interrupted'] as const,
    registers: [metrics.registry],
  });
  const consumers = new Gauge({
    name: 'roomcast_media_consumers',
    help: 'Consumers (listeners and taps) by room and worker',
    labelNames: ['room', 'worker'] as const,
    registers: [metrics.registry],
  });
  const workerRestarts = new Gauge({
    name: 'roomcast_media_worker_restarts',
    help: 'Times each mediasoup worker was restarted after dying',
    labelNames: ['worker'] as const,
    registers: [metrics.registry],
  });
  const workerUp = new Gauge({
    name: 'roomcast_media_worker_up',
    help: '1 while the mediasoup worker runs, 0 while it is being restarted',
    labelNames: ['worker'] as const,
    registers: [metrics.registry],
  });
  metrics.onCollect(() => {
    producers.reset();
    for (const p of service.producers()) producers.inc({ room: p.room, kind: p.kind, origin: p.origin, interrupted: p.interrupted ? 'true' : 'false' });
    consumers.reset();
    for (const room of service.roomStats()) for (const r of room.routers) consumers.inc({ room: room.room, worker: String(r.worker) }, r.consumers);
    for (const w of service.pool.status()) {
      workerRestarts.set({ worker: String(w.index) }, w.restarts);
      workerUp.set({ worker: String(w.index) }, w.running ? 1 : 0);
    }
  });
}
