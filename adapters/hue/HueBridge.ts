import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { Logger } from 'pino';
import type { HealthReporter } from '../../server/health/HealthRegistry.ts';
import type { HueOutput, HueState } from '../lights/LightOutputs.ts';
import type { DiscoveredGroup, DiscoveredLight, HueBridgeState, HueBridgeStatus, PairResult } from './hueApiTypes.ts';
import { HueBridgeClient, type HueBridgeTarget } from './HueBridgeClient.ts';
import { classifyBridgeError, HueBridgeError } from './HueBridgeError.ts';
import { HueCommandScheduler, type CommandFailed, type CommandSent } from './HueCommandScheduler.ts';
import type { HueBridgeConfig, HueSettings } from './hueConfig.ts';
import { EVERY_CAPABILITY, lightCommandFor } from './hueLightCommand.ts';
import type { HueMetrics } from './hueMetrics.ts';
import type { HuePairingStore } from './HuePairingStore.ts';
import { normalizeHueState } from './normalizeHueState.ts';

export interface HueBridgeEvents {
  state: [state: HueBridgeState, reason: string | undefined];
  sent: [info: CommandSent];
  failed: [info: CommandFailed];
}

export interface HueBridgeOptions {
  config: HueBridgeConfig;
  settings: HueSettings;
  pairings: HuePairingStore;
  health: HealthReporter;
  logger: Logger;
  metrics?: HueMetrics | undefined;
}

const PAIRING_RETRY_MS = 1_000;
/** While commands flow, they prove the bridge is there; lights and groups are still re-read this often. */
const MIN_DISCOVERY_INTERVAL_MS = 30_000;
/** Hue limits the devicetype to "<app, 20 chars>#<device, 19 chars>". */
const PAIRING_APP = 'roomcast';
const pairingDevice = () => (os.hostname().replace(/[^A-Za-z0-9._-]/g, '') || 'server').slice(0, 19);

/**
 * One Hue bridge as the lights engine sees it (a HueOutput), and everything that keeps it working:
 * connecting with the stored username, polling (which also rediscovers lights and groups), reconnecting
 * when it comes back and resending the latest wanted states, pairing, and the bridge's health entry.
 * The wire timing itself is the HueCommandScheduler's.
 */
export class HueBridge extends EventEmitter<HueBridgeEvents> implements HueOutput {
  readonly id: string;
  private readonly config: HueBridgeConfig;
  private readonly settings: HueSettings;
  private readonly pairings: HuePairingStore;
  private readonly health: HealthReporter;
  private readonly logger: Logger;
  private readonly metrics: HueMetrics | undefined;
  private readonly target: HueBridgeTarget;
  private readonly scheduler: HueCommandScheduler;
  private client: HueBridgeClient | undefined;
  private state: HueBridgeState = 'connecting';
  private reason: string | undefined;
  private bridgeid: string | undefined;
  private discovered = false;
  private lights = new Map<string, DiscoveredLight>();
  private groups = new Map<string, DiscoveredGroup>();
  /** Commands the bridge refused and wishes for lights it does not have, by `light:<id>` / `group:<id>`. */
  private readonly problems = new Map<string, string>();
  private overloaded: string | undefined;
  private pairing: Promise<PairResult> | undefined;
  private pairingUntil: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private readonly warned = new Set<string>();
  /** performance.now() of the bridge's last answer to a command, and of the last discovery. */
  private lastCommandAnswerAt = -Infinity;
  private lastDiscoveryAt = -Infinity;

  constructor(options: HueBridgeOptions) {
    super();
    this.id = options.config.id;
    this.config = options.config;
    this.settings = options.settings;
    this.pairings = options.pairings;
    this.health = options.health;
    this.logger = options.logger.child({ bridge: this.id });
    this.metrics = options.metrics;
    this.target = { host: options.config.host, port: options.config.port, timeoutMs: options.settings.requestTimeoutMs };
    this.bridgeid = this.pairings.get(this.id)?.bridgeid;
    this.scheduler = new HueCommandScheduler({
      lightCommandsPerSecond: options.settings.lightCommandsPerSecond,
      groupCommandsPerSecond: options.settings.groupCommandsPerSecond,
      lightCommand: (id, state) => lightCommandFor(state, this.lights.get(id)?.capabilities ?? EVERY_CAPABILITY),
      groupMembers: (id) => this.groups.get(id)?.lights,
      sink: {
        sendLight: (id, command) => this.withClient((client) => client.setLight(id, command)),
        sendGroup: (id, command) => this.withClient((client) => client.setGroup(id, command)),
      },
    });
    this.scheduler.on('sent', (info) => this.commandSent(info));
    this.scheduler.on('failed', (info) => this.commandFailed(info));
  }

  // --- HueOutput ---------------------------------------------------------------------------------------

  setLight(id: string, state: HueState): void {
    const lightId = String(id); // patches may name lights by number
    const { state: normalized, clamped } = normalizeHueState(state, `hue bridge "${this.id}" light "${lightId}"`);
    if (clamped.length) this.warnOnce(`clamped:${lightId}:${clamped.map((c) => c.split(' ')[0]).join(',')}`, { light: lightId, clamped }, 'hue light state out of range: clamped');
    if (this.discovered && !this.lights.has(lightId)) return this.unknownTarget('light', lightId, [...this.lights.keys()]);
    this.scheduler.setLight(lightId, normalized);
  }

  setGroup(id: string, state: HueState): void {
    const groupId = String(id);
    const { state: normalized, clamped } = normalizeHueState(state, `hue bridge "${this.id}" group "${groupId}"`);
    if (clamped.length) this.warnOnce(`clamped:group:${groupId}:${clamped.map((c) => c.split(' ')[0]).join(',')}`, { group: groupId, clamped }, 'hue group state out of range: clamped');
    if (this.discovered && !this.groups.has(groupId)) return this.unknownTarget('group', groupId, [...this.groups.keys()]);
    this.scheduler.setGroup(groupId, normalized);
  }

  // --- lifecycle ---------------------------------------------------------------------------------------

  start(): void {
    this.refreshHealth();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.scheduler.stop();
    this.client = undefined;
    this.state = 'stopped';
  }

  get pendingLights(): number {
    return this.scheduler.pendingLights;
  }

  get pendingGroups(): number {
    return this.scheduler.pendingGroups;
  }

  get credentialsFromConfig(): boolean {
    return this.config.token !== undefined;
  }

  status(): HueBridgeStatus {
    return {
      id: this.id,
      host: this.config.host,
      port: this.config.port,
      state: this.state,
      reason: this.reason,
      credentials: this.config.token ? 'config' : this.pairings.get(this.id) ? 'pairing' : 'none',
      bridgeid: this.bridgeid,
      pairingUntil: this.pairingUntil ? new Date(this.pairingUntil).toISOString() : undefined,
      lights: this.lights.size,
      groups: this.groups.size,
      pendingLights: this.scheduler.pendingLights,
      pendingGroups: this.scheduler.pendingGroups,
      limits: { lightCommandsPerSecond: this.settings.lightCommandsPerSecond, groupCommandsPerSecond: this.settings.groupCommandsPerSecond },
      problems: [...(this.overloaded ? [this.overloaded] : []), ...this.problems.values()],
    };
  }

  /** Lights as the bridge reports them now (also refreshes what commands are shaped for). */
  async discoverLights(): Promise<DiscoveredLight[]> {
    const client = this.requireClient();
    await this.discover(client);
    return [...this.lights.values()];
  }

  /** Groups as the bridge reports them now, group 0 (all lights) first. */
  async discoverGroups(): Promise<DiscoveredGroup[]> {
    const client = this.requireClient();
    await this.discover(client);
    return [...this.groups.values()];
  }

  // --- pairing -----------------------------------------------------------------------------------------

  /**
   * Ask the bridge for a username until someone presses its link button (or `timeoutMs` passes), then
   * keep it in the data dir and connect with it. Concurrent calls share one attempt.
   */
  pair(timeoutMs = this.settings.pairingTimeoutMs): Promise<PairResult> {
    if (this.config.token) {
      return Promise.reject(new HueBridgeError('rejected', `hue.bridges "${this.id}" has a token in the config: remove it there to pair from the API`));
    }
    this.pairing ??= this.runPairing(timeoutMs).finally(() => {
      this.pairing = undefined;
      this.pairingUntil = undefined;
      this.refreshHealth();
    });
    return this.pairing;
  }

  private async runPairing(timeoutMs: number): Promise<PairResult> {
    const deadline = Date.now() + timeoutMs;
    this.pairingUntil = deadline;
    this.refreshHealth();
    this.logger.info({ until: new Date(deadline).toISOString() }, `pairing: press the link button on Hue bridge "${this.id}" (${this.config.host}:${this.config.port})`);
    let lastError: HueBridgeError | undefined;
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        const { username } = await HueBridgeClient.createUser(this.target, PAIRING_APP, pairingDevice());
        const identity = await HueBridgeClient.identify(this.target).catch(() => undefined);
        this.bridgeid = identity?.bridgeid;
        this.pairings.save(this.id, { token: username, bridgeid: this.bridgeid, pairedAt: new Date().toISOString() });
        this.logger.info({ attempts: attempt, bridgeid: this.bridgeid }, 'paired with the Hue bridge; username stored in the data dir');
        // Connect with the new username right away (a previous one may have been refused).
        this.client = undefined;
        this.scheduler.pause();
        this.setState('connecting', 'paired; connecting');
        await this.ticking; // a check started before the pairing would not use the new username
        await this.tick();
        return { paired: true, bridgeid: this.bridgeid, lights: this.lights.size, groups: this.groups.size };
      } catch (err) {
        lastError = classifyBridgeError(err);
        if (lastError.kind !== 'link-button' && lastError.kind !== 'unreachable') throw lastError;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await new Promise((r) => setTimeout(r, Math.min(PAIRING_RETRY_MS, remaining))); // last try at the deadline
    }
    if (lastError?.kind === 'unreachable') throw new HueBridgeError('unreachable', `Hue bridge "${this.id}" did not answer at ${this.config.host}:${this.config.port}: ${lastError.message}`);
    throw new HueBridgeError('link-button', `the link button on Hue bridge "${this.id}" was not pressed within ${Math.round(timeoutMs / 1000)} s: press it, then pair again`);
  }

  // --- connection loop ---------------------------------------------------------------------------------

  private username(): string | undefined {
    return this.config.token ?? this.pairings.get(this.id)?.token;
  }

  /** One connection check. Never overlaps itself; schedules the next. */
  private tick(): Promise<void> {
    this.ticking ??= this.runTick().finally(() => {
      this.ticking = undefined;
      this.scheduleTick();
    });
    return this.ticking;
  }

  private scheduleTick(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.settings.pollIntervalMs);
  }

  private async runTick(): Promise<void> {
    if (this.stopped) return;
    const username = this.username();
    const client = this.client;
    try {
      if (!username) {
        const identity = await HueBridgeClient.identify(this.target);
        this.bridgeid ??= identity.bridgeid;
        if (!this.username()) this.setState('unpaired', undefined);
      } else if (!client) {
        const connected = await HueBridgeClient.connect(this.target, username);
        await this.discover(connected);
        if (this.stopped || this.username() !== username) return;
        this.client = connected;
        this.setState('connected', undefined);
        this.logger.info({ endpoint: connected.endpoint, lights: this.lights.size, groups: this.groups.size }, 'Hue bridge connected; sending the latest wanted states');
        this.scheduler.resendAll();
        this.scheduler.resume();
      } else {
        // Polling shares node-hue-api's request queue with commands (and the bridge's attention): skip it
        // while commands are being answered, but re-read lights and groups now and then regardless.
        const now = performance.now();
        const discoveryDue = now - this.lastDiscoveryAt >= Math.max(MIN_DISCOVERY_INTERVAL_MS, 6 * this.settings.pollIntervalMs);
        if (now - this.lastCommandAnswerAt < this.settings.pollIntervalMs && !discoveryDue) return;
        await this.discover(client);
        if (this.overloaded && this.scheduler.pendingLights + this.scheduler.pendingGroups === 0) this.overloaded = undefined;
        this.refreshHealth();
      }
    } catch (err) {
      const error = classifyBridgeError(err, [username]);
      if (client && this.client === client) {
        // A poll failing because the bridge is busy is not a lost bridge.
        if (error.kind === 'overloaded') this.markOverloaded(error);
        else if (error.kind === 'unexpected') this.warnOnce(`poll:${error.message}`, { problem: error.message }, 'unexpected answer while polling the Hue bridge');
        else this.lost(client, error);
      } else if (error.kind === 'unauthorized') {
        this.setState('unauthorized', error.message);
      } else {
        this.setState('unreachable', error.message);
      }
    }
  }

  /** The bridge went away (or now refuses us) while connected: stop sending, keep wishes, reconnect. */
  private lost(client: HueBridgeClient, error: HueBridgeError): void {
    if (this.client !== client || this.stopped) return;
    this.client = undefined;
    this.scheduler.pause();
    if (error.kind === 'unauthorized') this.setState('unauthorized', error.message);
    else this.setState('unreachable', error.message);
    this.logger.warn({ problem: error.message, retryEveryMs: this.settings.pollIntervalMs }, 'lost the Hue bridge; wanted states are kept and resent when it answers again');
  }

  private async withClient(send: (client: HueBridgeClient) => Promise<void>): Promise<void> {
    const client = this.client;
    if (!client) throw new HueBridgeError('unreachable', 'not connected');
    try {
      await send(client);
    } catch (err) {
      const error = classifyBridgeError(err);
      if (error.kind === 'unreachable' || error.kind === 'unauthorized') this.lost(client, error);
      throw error;
    }
  }

  private requireClient(): HueBridgeClient {
    if (this.client) return this.client;
    const why = this.reason ? `: ${this.reason}` : '';
    if (this.state === 'unpaired' || this.state === 'unauthorized') {
      throw new HueBridgeError('unauthorized', `Hue bridge "${this.id}" is not paired${why} (POST /api/hue/bridges/${this.id}/pair, then press its link button)`);
    }
    throw new HueBridgeError('unreachable', `Hue bridge "${this.id}" is not connected (${this.state}${why})`);
  }

  /** Read lights and groups; commands are shaped from these, group members are held behind groups. */
  private async discover(client: HueBridgeClient): Promise<void> {
    const [lights, groups] = [await client.lights(), await client.groups()];
    const before = [...this.lights.keys()].sort().join(',');
    this.lights = new Map(lights.map((l) => [l.id, l]));
    this.groups = new Map(groups.map((g) => [g.id, g]));
    const after = [...this.lights.keys()].sort().join(',');
    if (this.discovered && before !== after) {
      this.logger.info({ lights: this.lights.size }, 'the Hue bridge has different lights now');
      await client.refreshCache();
    }
    this.discovered = true;
    this.lastDiscoveryAt = performance.now();
    for (const key of [...this.problems.keys()]) {
      const [kind, id] = key.split(':') as ['light' | 'group', string];
      if ((kind === 'light' && this.lights.has(id)) || (kind === 'group' && this.groups.has(id))) {
        if (this.problems.get(key)?.includes('is not on this bridge')) this.problems.delete(key);
      }
    }
  }

  // --- command outcomes and health ----------------------------------------------------------------------

  private commandSent(info: CommandSent): void {
    this.lastCommandAnswerAt = performance.now();
    this.metrics?.commands.inc({ bridge: this.id, kind: info.kind, outcome: 'sent' });
    this.metrics?.waitSeconds.observe({ bridge: this.id, kind: info.kind }, info.waitedMs / 1000);
    const hadProblem = this.problems.delete(`${info.kind}:${info.id}`);
    if (this.overloaded || hadProblem) {
      this.overloaded = undefined;
      this.refreshHealth();
    }
    this.emit('sent', info);
  }

  private commandFailed(info: CommandFailed): void {
    const { error } = info;
    this.metrics?.commands.inc({ bridge: this.id, kind: info.kind, outcome: error.kind });
    if (error.kind === 'overloaded') this.markOverloaded(error);
    else if (error.kind === 'rejected' || error.kind === 'unexpected') {
      this.problems.set(`${info.kind}:${info.id}`, `${info.kind} ${info.id}: ${error.message}`);
      this.warnOnce(`refused:${info.kind}:${info.id}:${error.message}`, { [info.kind]: info.id, command: info.command, problem: error.message }, 'the Hue bridge refused a command');
      this.refreshHealth();
    }
    this.emit('failed', info);
  }

  private markOverloaded(error: HueBridgeError): void {
    const reason = `${error.message}: commands slowed down`;
    if (this.overloaded === reason) return;
    this.overloaded = reason;
    this.logger.warn({ problem: error.message }, 'the Hue bridge says it is overloaded (another app may be using it); backing off');
    this.refreshHealth();
  }

  private unknownTarget(kind: 'light' | 'group', id: string, known: string[]): void {
    const reason = `${kind} "${id}" is not on this bridge (it has ${kind}s ${known.join(', ') || 'none'})`;
    if (this.problems.get(`${kind}:${id}`) !== reason) {
      this.problems.set(`${kind}:${id}`, reason);
      this.logger.warn({ [kind]: id }, `wanted state for a Hue ${reason}; ignored`);
      this.refreshHealth();
    }
  }

  private setState(state: HueBridgeState, reason: string | undefined): void {
    if (this.stopped) return;
    const changed = this.state !== state || this.reason !== reason;
    this.state = state;
    this.reason = reason;
    this.refreshHealth();
    if (changed) this.emit('state', state, reason);
  }

  private refreshHealth(): void {
    if (this.stopped) return;
    const endpoint = `${this.config.host}:${this.config.port}`;
    const pairHint = `POST /api/hue/bridges/${this.id}/pair, then press the bridge's link button`;
    if (this.pairingUntil) return this.health.degraded(`pairing: press the link button on the bridge before ${new Date(this.pairingUntil).toISOString()}`);
    switch (this.state) {
      case 'connecting':
        return this.health.down(`connecting to ${endpoint}${this.reason ? ` (${this.reason})` : ''}`);
      case 'unreachable':
        return this.health.down(`unreachable at ${endpoint}: ${this.reason ?? 'no answer'}`);
      case 'unpaired': {
        const stored = this.pairings.loadProblem ? ` (stored pairings unreadable: ${this.pairings.loadProblem})` : '';
        return this.health.degraded(`not paired${stored}: ${pairHint}`);
      }
      case 'unauthorized':
        return this.health.degraded(`the bridge refuses the ${this.config.token ? 'configured' : 'stored'} username (${this.reason ?? 'unauthorized user'}; removed in the Hue app?): pair again (${pairHint})`);
      case 'connected': {
        const reasons = [...(this.overloaded ? [this.overloaded] : []), ...this.problems.values()];
        if (!reasons.length) return this.health.ok();
        const shown = reasons.slice(0, 3).join('; ');
        return this.health.degraded(reasons.length > 3 ? `${shown}; and ${reasons.length - 3} more` : shown);
      }
      case 'stopped':
        return;
    }
  }

  private warnOnce(key: string, fields: Record<string, unknown>, message: string): void {
    if (this.warned.has(key)) return;
    if (this.warned.size > 1_000) this.warned.clear();
    this.warned.add(key);
    this.logger.warn(fields, message);
  }
}
