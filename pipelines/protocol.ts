/**
 * What the pipelines API and the `/pipelines` socket namespace send: types and plain constants only, so
 * the control UI imports this file directly.
 */
import type { FrameKind } from './frames.ts';
import type { QueueMode } from './Stage.ts';

export const PIPELINES_NAMESPACE = '/pipelines';
/** How often live figures are pushed to connected UIs. */
export const PIPELINES_STATS_INTERVAL_MS = 1_000;

export type StageRunStateName = 'starting' | 'running' | 'restarting' | 'stopped';

export interface QueueStatus {
  kind: FrameKind;
  mode: QueueMode;
  capacity: number;
  depth: number;
  /** Producers waiting for room (backpressure). */
  waiting: number;
}

export interface StageStatus {
  id: string;
  type: string;
  role: 'stage' | 'sink';
  state: StageRunStateName;
  /** Why it is not fine (null when it is). */
  problem: string | null;
  inputs: FrameKind[];
  outputs: FrameKind[];
  queues: QueueStatus[];
  framesIn: number;
  processed: number;
  framesOut: number;
  /** Per second over the last sampling interval. */
  inRate: number;
  outRate: number;
  /** Processing time over the last 512 frames. */
  latencyMs: { p50: number; p95: number } | null;
  deadlineMs: number | null;
  deadlineMisses: number;
  dropped: number;
  /** `video:overflow` -> n, `event:error` -> n ... */
  drops: Record<string, number>;
  errors: number;
  restarts: number;
  stalls: number;
  lastError: { message: string; at: number } | null;
  /** Delay chosen for the last restart; grows while failures continue. */
  lastBackoffMs: number | null;
  nextRestartInMs: number | null;
  /** How long the frame in hand has been processing. */
  busyForMs: number | null;
}

export interface RecentEvent {
  type: string;
  payload: unknown;
  sourceId: string;
  captureTs: number;
  /** Epoch ms it reached the sinks. */
  at: number;
}

export type PipelineRunState = 'running' | 'disabled' | 'finished';

export interface PipelineStatus {
  id: string;
  name: string | null;
  /** Running now (config value, or the live toggle since). */
  enabled: boolean;
  /** What roomcast.yaml says. */
  configuredEnabled: boolean;
  state: PipelineRunState;
  health: 'ok' | 'degraded' | 'down';
  problems: string[];
  room: string;
  source: { description: string; kinds: FrameKind[]; frames: number; rate: number; problem: string | null; finished: boolean };
  stages: StageStatus[];
  sinks: StageStatus[];
  recentEvents: RecentEvent[];
  startedAt: number | null;
}

export interface ReloadReport {
  at: number;
  trigger: 'api' | 'file';
  ok: boolean;
  /** Why the new config was refused (the running pipelines were kept). */
  problems: string[];
  added: string[];
  removed: string[];
  restarted: string[];
  unchanged: string[];
  /** Other sections that changed: they take effect only after a server restart. */
  restartRequired: string[];
}

export interface StageTypeInfo {
  type: string;
  description: string;
  inputs: FrameKind[];
  outputs: FrameKind[];
  origin: string;
}

export interface PipelinesSnapshot {
  pipelines: PipelineStatus[];
  lastReload: ReloadReport | null;
  /** A config file is being watched (reload on save). */
  watching: string | null;
}

export interface PipelinesServerToClientEvents {
  /** Sent on connect and then every PIPELINES_STATS_INTERVAL_MS, and right after any change. */
  'pipelines:snapshot': (snapshot: PipelinesSnapshot) => void;
}

export interface PipelinesClientToServerEvents {
  'pipelines:get': (ack: (snapshot: PipelinesSnapshot) => void) => void;
}
