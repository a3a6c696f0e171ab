import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from 'pino';
import type { AppServices } from '../../server/AppServices.ts';
import type { RoomcastConfig } from '../../server/config/schema.ts';
import type { HealthReporter } from '../../server/health/HealthRegistry.ts';
import type { MediaBridge, MediaIngress } from '../../server/media/MediaContracts.ts';
import { NotFoundError } from '../../server/errors.ts';
import { formatPath, ValidationError, type FormattedIssue } from '../../server/validation/formatIssues.ts';
import type { AnyStageDefinition } from '../Stage.ts';
import type { StageCatalog } from '../StageCatalog.ts';
import type { PipelineSpec } from '../config/pipelineConfigSchema.ts';
import { Pipeline } from '../engine/Pipeline.ts';
import { PipelineMetrics } from '../engine/PipelineMetrics.ts';
import { prepareSink, type SinkDefinition } from '../sinks/createSink.ts';
import { createSource } from '../sources/createSource.ts';
import type { PipelineStatus, PipelinesSnapshot, ReloadReport, StageStatus, StageTypeInfo } from '../protocol.ts';
import type { ConfigSource } from './ConfigSource.ts';
import { stableStringify } from './stableStringify.ts';

export interface PipelineManagerOptions {
  catalog: StageCatalog;
  services: Pick<AppServices, 'actions' | 'overlay' | 'bus' | 'health' | 'metrics'>;
  /** The config the server started with (other sections are compared against it on reload). */
  config: RoomcastConfig;
  /** Looked up when a producer source runs (the providers may start after this feature). */
  media: () => { ingress?: MediaIngress | undefined; bridge?: MediaBridge | undefined };
  logger: Logger;
  /** `<dataDir>/pipelines`. */
  dataDir: string;
  /** Relative source paths resolve against this (the config file's folder). */
  baseDir: string;
  /** Where reloads read the config from (absent: reload is refused). */
  configSource?: ConfigSource | undefined;
}

/** A pipeline checked against what exists at run time, ready to start any number of times. */
interface PreparedPipeline {
  spec: PipelineSpec;
  room: string;
  stages: AnyStageDefinition[];
  sinks: Array<{ id: string; definition: SinkDefinition }>;
}

interface Entry {
  prepared: PreparedPipeline;
  /** Set by the live toggle; cleared when roomcast.yaml changes this pipeline's `enabled`. */
  override: boolean | undefined;
  pipeline: Pipeline | undefined;
  health: HealthReporter;
  problems: string[];
}

export interface PipelineManagerEvents {
  /** Something users see changed (enabled, reload, problems). */
  change: [];
}

const issue = (rawPath: PropertyKey[], message: string): FormattedIssue => ({ path: formatPath(rawPath), rawPath, message });

/**
 * Owns every configured pipeline: starts the enabled ones, switches them on and off live, and applies
 * a new `pipelines:` section by diffing it against what runs, restarting only pipelines whose
 * definition changed. Nothing else in the server is touched by a reload: WebRTC sessions, sockets and
 * other features keep running; changes to other sections are reported as needing a restart.
 */
export class PipelineManager extends EventEmitter<PipelineManagerEvents> {
  private readonly options: PipelineManagerOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly rooms: string[];
  private readonly subsystemHealth: HealthReporter;
  private lastReload: ReloadReport | undefined;
  private applied: RoomcastConfig;
  private serial: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(options: PipelineManagerOptions) {
    super();
    this.options = options;
    this.applied = options.config;
    this.rooms = options.config.rooms.map((r) => r.id);
    this.subsystemHealth = options.services.health.register('pipelines', { kind: 'subsystem', critical: false });
    new PipelineMetrics(options.services.metrics.registry, {
      running: () => this.running(),
      enabledStates: () => [...this.entries].map(([id, entry]) => [id, entry.pipeline !== undefined] as [string, boolean]),
    });
  }

  get watchedFile(): string | undefined {
    return this.options.configSource?.file;
  }

  stageTypes(): StageTypeInfo[] {
    return this.options.catalog.list().map(({ definition, origin }) => ({
      type: definition.type,
      description: definition.description,
      inputs: [...definition.inputs],
      outputs: [...definition.outputs],
      origin: origin.kind === 'builtin' ? 'built-in' : `plugin ${origin.plugin}`,
    }));
  }

  /** Start the configured pipelines; throws a ValidationError naming every path that cannot run. */
  async start(specs: readonly PipelineSpec[]): Promise<void> {
    const prepared = this.prepareAll(specs);
    if ('issues' in prepared) throw new ValidationError('pipelines config', prepared.issues);
    for (const item of prepared.pipelines) this.entries.set(item.spec.id, this.newEntry(item));
    for (const entry of this.entries.values()) if (entry.prepared.spec.enabled) this.run(entry);
    this.subsystemHealth.ok();
  }

  list(): PipelineStatus[] {
    return [...this.entries.values()].map((entry) => this.statusOf(entry));
  }

  get(id: string): PipelineStatus {
    return this.statusOf(this.entry(id));
  }

  snapshot(): PipelinesSnapshot {
    return { pipelines: this.list(), lastReload: this.lastReload ?? null, watching: this.watchedFile ?? null };
  }

  /** Switch a pipeline on or off now (until roomcast.yaml changes its `enabled`). */
  setEnabled(id: string, enabled: boolean): Promise<PipelineStatus> {
    return this.serialized(async () => {
      const entry = this.entry(id);
      entry.override = enabled === entry.prepared.spec.enabled ? undefined : enabled;
      if (enabled && !entry.pipeline) this.run(entry);
      if (!enabled && entry.pipeline) await this.halt(entry);
      this.options.logger.info({ pipeline: id, enabled }, `pipeline ${id} ${enabled ? 'enabled' : 'disabled'}`);
      this.emit('change');
      return this.statusOf(entry);
    });
  }

  /**
   * Read the config again and apply its `pipelines:`. An invalid config changes nothing (the report says
   * why); otherwise only added, removed and changed pipelines are started or stopped.
   */
  reload(trigger: ReloadReport['trigger']): Promise<ReloadReport> {
    return this.serialized(() => this.applyReload(trigger));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.serial.catch(() => undefined);
    await Promise.all([...this.entries.values()].map((entry) => this.halt(entry)));
  }

  private *running(): Iterable<Pipeline> {
    for (const entry of this.entries.values()) if (entry.pipeline) yield entry.pipeline;
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new NotFoundError('pipeline', id, [...this.entries.keys()]);
    return entry;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work, work);
    this.serial = next.catch(() => undefined);
    return next;
  }

  private prepareAll(specs: readonly PipelineSpec[]): { pipelines: PreparedPipeline[] } | { issues: FormattedIssue[] } {
    const issues: FormattedIssue[] = [];
    const pipelines: PreparedPipeline[] = [];
    specs.forEach((spec, index) => {
      const at = ['pipelines', index];
      const problems: FormattedIssue[] = [];
      if (spec.source.type === 'producer' && !this.rooms.includes(spec.source.room)) {
        problems.push(issue([...at, 'source', 'room'], new NotFoundError('room', spec.source.room, this.rooms).message));
      }
      if (spec.room && !this.rooms.includes(spec.room)) problems.push(issue([...at, 'room'], new NotFoundError('room', spec.room, this.rooms).message));
      const room = spec.room ?? (spec.source.type === 'producer' ? spec.source.room : this.rooms[0]);
      if (!room && spec.sinks.some((s) => s.type === 'actions' || s.type === 'overlay')) {
        problems.push(issue([...at, 'room'], 'no rooms are configured, so the actions and overlay sinks have no room to act on'));
      }
      const sinks: PreparedPipeline['sinks'] = [];
      spec.sinks.forEach((sinkSpec, sinkIndex) => {
        const result = prepareSink(sinkSpec, [...at, 'sinks', sinkIndex], {
          pipelineId: spec.id,
          room: room ?? '',
          services: this.options.services,
          logger: this.options.logger,
        });
        if ('issues' in result) problems.push(...result.issues);
        else sinks.push({ id: sinkSpec.id, definition: result.sink });
      });
      const stages = spec.stages.map((stage) => this.options.catalog.get(stage.type)!);
      if (problems.length) issues.push(...problems);
      else pipelines.push({ spec, room: room ?? '', stages, sinks });
    });
    return issues.length ? { issues } : { pipelines };
  }

  private newEntry(prepared: PreparedPipeline, override?: boolean): Entry {
    const health = this.options.services.health.register(`pipeline:${prepared.spec.id}`, { kind: 'subsystem', critical: false, initialReason: 'starting' });
    const entry: Entry = { prepared, override, pipeline: undefined, health, problems: [] };
    health.ok();
    return entry;
  }

  private run(entry: Entry): void {
    if (this.stopped || entry.pipeline) return;
    const { spec } = entry.prepared;
    const logger = this.options.logger.child({ pipeline: spec.id });
    entry.problems = [];
    const pipeline = new Pipeline({
      spec,
      room: entry.prepared.room || undefined,
      source: createSource(spec.source, { pipelineId: spec.id, baseDir: this.options.baseDir, media: this.options.media, logger }),
      stages: entry.prepared.stages,
      sinks: entry.prepared.sinks,
      logger,
      stagesDataDir: path.join(this.options.dataDir, 'stages'),
      onProblems: (problems) => {
        if (entry.pipeline !== pipeline) return;
        entry.problems = problems;
        if (problems.length) entry.health.degraded(problems.join('; '));
        else entry.health.ok();
        this.emit('change');
      },
    });
    entry.pipeline = pipeline;
    pipeline.start();
    if (!entry.problems.length) entry.health.ok();
    logger.info({ source: spec.source.type, stages: spec.stages.map((s) => s.type), sinks: spec.sinks.map((s) => s.type) }, `pipeline ${spec.id} started`);
  }

  private async halt(entry: Entry): Promise<void> {
    const pipeline = entry.pipeline;
    if (!pipeline) return;
    entry.pipeline = undefined;
    entry.problems = [];
    await pipeline.stop();
    entry.health.ok();
  }

  private effectiveEnabled(entry: Entry): boolean {
    return entry.override ?? entry.prepared.spec.enabled;
  }

  private async applyReload(trigger: ReloadReport['trigger']): Promise<ReloadReport> {
    const report: ReloadReport = { at: Date.now(), trigger, ok: false, problems: [], added: [], removed: [], restarted: [], unchanged: [], restartRequired: [] };
    const finish = (): ReloadReport => {
      this.lastReload = report;
      if (report.ok) this.subsystemHealth.ok();
      else this.subsystemHealth.degraded(`the last config reload was refused (the running pipelines were kept): ${report.problems.slice(0, 3).join('; ')}${report.problems.length > 3 ? ` (+${report.problems.length - 3} more)` : ''}`);
      const log = report.ok ? this.options.logger.info.bind(this.options.logger) : this.options.logger.warn.bind(this.options.logger);
      log({ reload: report }, report.ok ? 'pipelines reloaded' : 'pipelines reload refused');
      this.emit('change');
      return report;
    };

    const source = this.options.configSource;
    if (!source) {
      report.problems.push('this server was started without a config source to reload from');
      return finish();
    }
    let config: RoomcastConfig;
    try {
      config = source.load();
    } catch (err) {
      // A ConfigError lists every problem with its file position (checked by shape: no import cycle).
      const problems = (err as { problems?: unknown }).problems;
      report.problems.push(...(Array.isArray(problems) ? (problems as string[]) : [(err as Error).message]));
      return finish();
    }
    const specs = (config['pipelines'] ?? []) as PipelineSpec[];
    const prepared = this.prepareAll(specs);
    if ('issues' in prepared) {
      report.problems.push(...prepared.issues.map((i) => `${i.path}: ${i.message}`));
      return finish();
    }

    for (const key of new Set([...Object.keys(this.applied), ...Object.keys(config)])) {
      if (key === 'pipelines') continue;
      if (stableStringify(this.applied[key]) !== stableStringify(config[key])) report.restartRequired.push(key);
    }

    const next = new Map(prepared.pipelines.map((p) => [p.spec.id, p]));
    const stopping: Array<Promise<void>> = [];
    for (const [id, entry] of this.entries) {
      if (next.has(id)) continue;
      report.removed.push(id);
      this.entries.delete(id);
      stopping.push(this.halt(entry).then(() => this.options.services.health.unregister(`pipeline:${id}`)));
    }
    const toStart: Entry[] = [];
    for (const [id, item] of next) {
      const entry = this.entries.get(id);
      if (!entry) {
        report.added.push(id);
        const created = this.newEntry(item);
        this.entries.set(id, created);
        if (item.spec.enabled) toStart.push(created);
        continue;
      }
      const { enabled: oldEnabled, ...oldRest } = entry.prepared.spec;
      const { enabled: newEnabled, ...newRest } = item.spec;
      const definitionChanged = stableStringify(oldRest) !== stableStringify(newRest);
      // A changed `enabled` in the file is a new decision that replaces the live toggle.
      if (oldEnabled !== newEnabled) entry.override = undefined;
      const wasRunning = entry.pipeline !== undefined;
      entry.prepared = item;
      const shouldRun = this.effectiveEnabled(entry);
      if (!definitionChanged && wasRunning === shouldRun) {
        report.unchanged.push(id);
        continue;
      }
      report.restarted.push(id);
      if (wasRunning) stopping.push(this.halt(entry));
      if (shouldRun) toStart.push(entry);
    }
    // Stop first: a changed pipeline must not run twice (e.g. twice the same decoder on one file).
    await Promise.all(stopping);
    for (const entry of toStart) this.run(entry);
    this.applied = { ...config, pipelines: specs };
    report.ok = true;
    return finish();
  }

  private statusOf(entry: Entry): PipelineStatus {
    const { spec, room } = entry.prepared;
    const pipeline = entry.pipeline;
    const enabled = pipeline !== undefined;
    const stageStatus = (runnerStatus: StageStatus | undefined, fallback: () => StageStatus) => runnerStatus ?? fallback();
    const idle = (id: string, definition: AnyStageDefinition, role: 'stage' | 'sink'): StageStatus => ({
      id,
      type: definition.type,
      role,
      state: 'stopped',
      problem: null,
      inputs: [...definition.inputs],
      outputs: [...definition.outputs],
      queues: [],
      framesIn: 0,
      processed: 0,
      framesOut: 0,
      inRate: 0,
      outRate: 0,
      latencyMs: null,
      deadlineMs: definition.deadlineMs ?? null,
      deadlineMisses: 0,
      dropped: 0,
      drops: {},
      errors: 0,
      restarts: 0,
      stalls: 0,
      lastError: null,
      lastBackoffMs: null,
      nextRestartInMs: null,
      busyForMs: null,
    });
    const sourceRate = pipeline?.rateOf('source');
    return {
      id: spec.id,
      name: spec.name ?? null,
      enabled,
      configuredEnabled: spec.enabled,
      state: !pipeline ? 'disabled' : pipeline.sourceFinished ? 'finished' : 'running',
      health: entry.problems.length ? 'degraded' : 'ok',
      problems: [...entry.problems],
      room,
      source: {
        description: describeSource(spec),
        kinds: spec.source.type === 'file' ? ['video'] : [spec.source.kind],
        frames: pipeline?.sourceFrames ?? 0,
        rate: sourceRate?.outRate ?? 0,
        problem: pipeline?.sourceProblem() ?? null,
        finished: pipeline?.sourceFinished ?? false,
      },
      stages: spec.stages.map((stage, index) =>
        stageStatus(pipeline && pipeline.stageStatus(pipeline.stages[index]!, 'stage'), () => idle(stage.id, entry.prepared.stages[index]!, 'stage')),
      ),
      sinks: entry.prepared.sinks.map((sink, index) =>
        stageStatus(pipeline && pipeline.stageStatus(pipeline.sinks[index]!, 'sink'), () => idle(sink.id, sink.definition, 'sink')),
      ),
      recentEvents: pipeline?.recentEvents() ?? [],
      startedAt: pipeline?.startedAt ?? null,
    };
  }
}

function describeSource(spec: PipelineSpec): string {
  const source = spec.source;
  switch (source.type) {
    case 'producer':
      return `producer ${source.room}/${source.label} (${source.kind})`;
    case 'file':
      return `file ${source.path}${source.loop ? ' (loop)' : ''}, ${source.width}x${source.height}${source.fps ? ` @ ${source.fps} fps` : ''}`;
    case 'synthetic':
      return `synthetic ${source.kind} at ${source.rate}/s`;
  }
}

