import type { Namespace, Server } from 'socket.io';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AppServices } from '../AppServices.ts';
import type { AuthenticatedSocketData } from '../protocol/controlEvents.ts';
import {
  GESTURE_NAMESPACE,
  type GestureClientToServerEvents,
  type GestureEvent,
  type GestureRuleView,
  type GestureServerToClientEvents,
  type HandsObservation,
} from '../protocol/gestureEvents.ts';
import { socketAuth } from '../sockets/socketAuth.ts';
import { formatZodError } from '../validation/formatIssues.ts';
import type { VideoFrame } from '../../pipelines/frames.ts';
import type { GestureMonitor } from '../../pipelines/stages/gesture/GestureMonitor.ts';
import { roomSourceId } from '../../pipelines/stages/gesture/gestureSource.ts';
import { BrowserLandmarksSchema } from '../../pipelines/stages/gesture/landmarkSchemas.ts';
import type { RuleFiring } from './GestureRuleEngine.ts';
import type { SnapshotEncoder } from './SnapshotEncoder.ts';
import './gestureBusEvents.ts';

export type GestureNamespace = Namespace<GestureClientToServerEvents, GestureServerToClientEvents, Record<string, never>, AuthenticatedSocketData>;

export interface GestureNamespaceSources {
  monitor: GestureMonitor;
  snapshots: SnapshotEncoder;
  maxSnapshotFps: number;
  rules(): GestureRuleView[];
  logger: Logger;
}

export interface GestureNamespaceHandle {
  /** Tell every page the rules changed. */
  rulesChanged(): void;
  /** A live gesture event (from this process's stages). */
  event(event: GestureEvent): void;
  fired(firing: RuleFiring): void;
  close(): void;
}

const WatchSchema = z.strictObject({ source: z.string().min(1).max(200).nullable(), snapshotFps: z.number().min(0).max(30).optional() });

/** Observations per source per second sent to pages (the UI redraws at this rate at most). */
const MAX_OBSERVATIONS_PER_SECOND = 15;
/** Processes with watchers say so this often; a source stays "watched" for three of these. */
const WATCH_HEARTBEAT_MS = 2_000;

const watchRoom = (source: string) => `gestures:watch:${source}`;

/**
 * `/gestures` (operator and admin): the Gestures page watches one source at a time (landmarks and
 * labels of every processed frame, JPEG snapshots at the rate it asks, gesture events, rule firings);
 * capture pages in browser mode send the landmarks MediaPipe found. Broadcasts go through the Redis
 * adapter, so pages on any server process see sources running on any other.
 */
export function registerGesturesNamespace(io: Server, services: AppServices, sources: GestureNamespaceSources): GestureNamespaceHandle {
  const nsp = io.of(GESTURE_NAMESPACE) as GestureNamespace;
  nsp.use(socketAuth(services.auth, 'operator', services.config.server.trustProxy));
  const { monitor, logger } = sources;

  // What this process's pages watch (socket id -> source and snapshot rate).
  const local = new Map<string, { source: string; fps: number; release: () => void }>();
  // What pages on other processes watch (source -> wanted until, fps, release).
  const remote = new Map<string, { until: number; fps: number; release: () => void }>();

  const snapshotFps = (source: string): number => {
    let fps = 0;
    for (const watch of local.values()) if (watch.source === source) fps = Math.max(fps, watch.fps);
    const r = remote.get(source);
    if (r && r.until > Date.now()) fps = Math.max(fps, r.fps);
    return Math.min(fps, sources.maxSnapshotFps);
  };

  const stopWatching = (socketId: string) => {
    const watch = local.get(socketId);
    if (!watch) return;
    watch.release();
    local.delete(socketId);
  };

  nsp.on('connection', (socket) => {
    socket.emit('gesture:sources', monitor.sources());
    socket.emit('gesture:rules', sources.rules());

    socket.on('gesture:watch', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      const parsed = WatchSchema.safeParse(request);
      if (!parsed.success) return reply({ ok: false, error: `invalid gesture:watch request: ${formatZodError(parsed.error, WatchSchema)}` });
      stopWatching(socket.id);
      for (const room of socket.rooms) if (room.startsWith('gestures:watch:')) await socket.leave(room);
      const { source, snapshotFps: fps = 5 } = parsed.data;
      if (source !== null) {
        await socket.join(watchRoom(source));
        local.set(socket.id, { source, fps, release: monitor.watchFrames(source) });
      }
      reply({ ok: true });
    });

    socket.on('gesture:landmarks', (payload) => {
      const parsed = BrowserLandmarksSchema.safeParse(payload);
      if (!parsed.success) {
        // Volatile, no ack: say it once in the log rather than per frame.
        logger.debug({ err: formatZodError(parsed.error, BrowserLandmarksSchema) }, 'invalid gesture:landmarks dropped');
        return;
      }
      const source = roomSourceId(parsed.data.room, parsed.data.label);
      if (!monitor.deliverLandmarks(source, parsed.data)) {
        // Not here: the stage for this source may run in another server process.
        void services.pubsub.publish('gestures.landmarks', { source, landmarks: parsed.data }).catch(() => undefined);
      }
    });

    socket.on('disconnect', () => stopWatching(socket.id));
  });

  const offRemoteLandmarks = services.pubsub.subscribe('gestures.landmarks', ({ source, landmarks }) => void monitor.deliverLandmarks(source, landmarks));

  // Other processes' pages watching a source that runs here keep asking for its frames.
  const offHeartbeats = services.pubsub.subscribe('gestures.watching', ({ source, fps }) => {
    const entry = remote.get(source);
    const until = Date.now() + 3 * WATCH_HEARTBEAT_MS;
    if (entry) Object.assign(entry, { until, fps });
    else remote.set(source, { until, fps, release: monitor.watchFrames(source) });
  });
  const heartbeat = setInterval(() => {
    const now = Date.now();
    for (const [source, entry] of remote) {
      if (entry.until <= now) {
        entry.release();
        remote.delete(source);
      }
    }
    const watched = new Map<string, number>();
    for (const watch of local.values()) watched.set(watch.source, Math.max(watched.get(watch.source) ?? 0, watch.fps));
    for (const [source, fps] of watched) void services.pubsub.publish('gestures.watching', { source, fps }).catch(() => undefined);
  }, WATCH_HEARTBEAT_MS);
  heartbeat.unref();

  const lastSent = new Map<string, number>();
  const onObservation = (observation: HandsObservation) => {
    const now = Date.now();
    if (now - (lastSent.get(observation.source) ?? 0) < 1000 / MAX_OBSERVATIONS_PER_SECOND) return;
    lastSent.set(observation.source, now);
    nsp.to(watchRoom(observation.source)).volatile.emit('gesture:hands', observation);
  };
  const onFrame = (frame: VideoFrame, observation: HandsObservation | undefined) => {
    const fps = snapshotFps(frame.sourceId);
    if (fps <= 0) return;
    void sources.snapshots.offer(frame, observation, fps).then((snapshot) => {
      if (snapshot) nsp.to(watchRoom(snapshot.source)).volatile.emit('gesture:snapshot', snapshot);
    });
  };
  const onSources = () => nsp.emit('gesture:sources', monitor.sources());
  monitor.on('observation', onObservation);
  monitor.on('frame', onFrame);
  monitor.on('sources', onSources);

  return {
    rulesChanged: () => nsp.emit('gesture:rules', sources.rules()),
    event: (event) => nsp.emit('gesture:event', event),
    fired: (firing) => nsp.emit('gesture:fired', firing),
    close: () => {
      clearInterval(heartbeat);
      monitor.off('observation', onObservation);
      monitor.off('frame', onFrame);
      monitor.off('sources', onSources);
      void offRemoteLandmarks.then((off) => off()).catch(() => undefined);
      void offHeartbeats.then((off) => off()).catch(() => undefined);
      for (const id of [...local.keys()]) stopWatching(id);
      for (const entry of remote.values()) entry.release();
      remote.clear();
    },
  };
}
