import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { OBSRequestTypes, OBSResponseTypes } from 'obs-websocket-js';
import { ObsBatcher } from './ObsBatcher.ts';
import { ObsConnection, type ObsConnectionEvents } from './ObsConnection.ts';
import type { ObsStatus } from './ObsTypes.ts';
import { displayObsUrl, type ObsConfig } from './obsConfig.ts';
import { planFor, type ObsCommand } from './obsCommands.ts';
import { ObsBatchError, ObsDisabledError, ObsUnavailableError } from './obsErrors.ts';

/**
 * OBS as the rest of Roomcast sees it (the `obs` feature service): run commands, make raw requests for
 * the UI, read the link's status. Everything fails at once with a readable reason when OBS is off,
 * unreachable or refuses; nothing waits for OBS to come back.
 */
export class ObsController extends EventEmitter<ObsConnectionEvents> {
  readonly enabled: boolean;
  private readonly url: string;
  private readonly connection: ObsConnection | undefined;
  private readonly batcher: ObsBatcher | undefined;
  private readonly createdAt = Date.now();

  constructor(config: ObsConfig, logger: Logger) {
    super();
    this.enabled = config.enabled;
    this.url = displayObsUrl(config.url);
    if (!config.enabled) return;
    const connection = new ObsConnection({
      url: config.url,
      password: config.password,
      reconnect: config.reconnect,
      requestTimeoutMs: config.requestTimeoutMs,
      logger,
    });
    connection.on('status', (status) => this.emit('status', status));
    this.connection = connection;
    this.batcher = new ObsBatcher((requests, what) => connection.callBatch(requests, what));
  }

  /** Start connecting (and reconnecting, forever). */
  start(): void {
    this.connection?.start();
  }

  async stop(): Promise<void> {
    await this.connection?.close();
  }

  status(): ObsStatus {
    return this.connection?.status() ?? { enabled: false, url: this.url, state: 'disabled', reason: 'obs.enabled is false', since: this.createdAt, failedAttempts: 0 };
  }

  /** One command; commands started in the same event-loop turn share their RequestBatches. */
  async run(command: ObsCommand): Promise<void> {
    const plan = planFor(command);
    const batcher = this.ready(plan.label);
    await batcher.submit(plan);
  }

  /** Several commands as one group (one RequestBatch per round); rejects naming each command that failed. */
  async runTogether(commands: readonly ObsCommand[]): Promise<void> {
    const plans = commands.map(planFor);
    const batcher = this.ready(`${plans.length} OBS actions`);
    const outcomes = await batcher.runTogether(plans);
    const failures = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [{ label: plans[i]!.label, error: o.reason as Error }] : []));
    if (!failures.length) return;
    // Every command failed for one shared cause (OBS went away mid-batch): report it once.
    if (failures.length === plans.length && failures.every((f) => f.error === failures[0]!.error)) throw failures[0]!.error;
    throw new ObsBatchError(failures, plans.length);
  }

  /** A raw obs-websocket request (scene lists for pickers...); `what` names it in errors. */
  async call<T extends keyof OBSRequestTypes>(requestType: T, requestData?: OBSRequestTypes[T], what: string = requestType): Promise<OBSResponseTypes[T]> {
    this.ready(what);
    return await this.connection!.call(requestType, requestData, what);
  }

  /** Throws right away unless a request could be sent now. */
  private ready(what: string): ObsBatcher {
    if (!this.connection || !this.batcher) throw new ObsDisabledError(what);
    if (!this.connection.connected) {
      throw new ObsUnavailableError(what, this.connection.status().reason ?? `not connected to ${this.url}`);
    }
    return this.batcher;
  }
}
