import { EventEmitter } from 'node:events';
import { CommandPacer } from './CommandPacer.ts';
import { classifyBridgeError, type HueBridgeError } from './HueBridgeError.ts';
import { groupCommandFor, sameLook, type HueLightCommand } from './hueLightCommand.ts';
import type { NormalizedHueState } from './normalizeHueState.ts';

/** Where commands go: one bridge. Each call resolves when the bridge accepted the command. */
export interface HueCommandSink {
  sendLight(lightId: string, command: HueLightCommand): Promise<void>;
  sendGroup(groupId: string, command: HueLightCommand): Promise<void>;
}

export interface HueCommandSchedulerOptions {
  sink: HueCommandSink;
  lightCommandsPerSecond: number;
  groupCommandsPerSecond: number;
  /** Extra spacing so commands that reach the bridge a little late still fit its window (default 50 ms). */
  marginMs?: number;
  /** The command that shows `state` on this light (what the light can do applied). */
  lightCommand: (lightId: string, state: NormalizedHueState) => HueLightCommand;
  /** A group's member lights, once discovered; undefined while unknown. */
  groupMembers: (groupId: string) => readonly string[] | undefined;
}

export interface CommandSent {
  kind: 'light' | 'group';
  id: string;
  command: HueLightCommand;
  /** From the first wanted change the bridge did not have to the bridge accepting it. */
  waitedMs: number;
}

export interface CommandFailed {
  kind: 'light' | 'group';
  id: string;
  command: HueLightCommand;
  error: HueBridgeError;
}

export interface HueCommandSchedulerEvents {
  sent: [info: CommandSent];
  failed: [info: CommandFailed];
}

interface LightEntry {
  wanted: NormalizedHueState | undefined;
  /** Order of wishes across lights and groups: a later setLight beats an earlier setGroup and back. */
  seq: number;
  /** The command the bridge has, or will have when the one in flight lands; undefined: not known. */
  onBridge: HueLightCommand | undefined;
  dirtySince: number;
}

interface GroupEntry {
  wanted: NormalizedHueState;
  seq: number;
  onBridge: HueLightCommand | undefined;
  dirtySince: number;
}

/**
 * Turns a stream of wanted states into the few commands a Hue bridge can take, for one bridge:
 *
 * - **Coalescing**: one pending state per light and per group; a newer wish replaces an unsent one, and
 *   a wish the bridge already shows sends nothing. The engine may call at its full frame rate.
 * - **Limits**: light commands and group commands each leave evenly spaced, one at a time, and within a
 *   window counted on the bridge's answers (CommandPacer), so the bridge never sees more than its ~10
 *   light / ~1 group commands per second.
 * - **Fairness**: lights wait in the order they first changed; a light changing constantly keeps its
 *   place instead of starving the others, and goes to the back of the line once sent.
 * - **Latest wins**: a group command and later wishes for its members are ordered: members wait until
 *   the group command landed, then get their own (a member is never left showing the older group
 *   state). Failed commands are retried unless the bridge refused them outright.
 */
export class HueCommandScheduler extends EventEmitter<HueCommandSchedulerEvents> {
  private readonly sink: HueCommandSink;
  private readonly options: HueCommandSchedulerOptions;
  private readonly lightPacer: CommandPacer;
  private readonly groupPacer: CommandPacer;
  private readonly lights = new Map<string, LightEntry>();
  private readonly groups = new Map<string, GroupEntry>();
  /** Lights waiting to be sent, oldest change first (a Set keeps insertion order). */
  private readonly dirtyLights = new Set<string>();
  private readonly dirtyGroups = new Set<string>();
  private lightInFlight: string | undefined;
  private groupInFlight: string | undefined;
  private seq = 0;
  private paused = true;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  constructor(options: HueCommandSchedulerOptions) {
    super();
    this.options = options;
    this.sink = options.sink;
    this.lightPacer = new CommandPacer(options.lightCommandsPerSecond, options.marginMs);
    this.groupPacer = new CommandPacer(options.groupCommandsPerSecond, options.marginMs);
  }

  /** Latest wanted state for one light. Never blocks; cheap when nothing changed. */
  setLight(lightId: string, state: NormalizedHueState): void {
    const entry = this.light(lightId);
    entry.wanted = state;
    entry.seq = ++this.seq;
    if (sameLook(this.options.lightCommand(lightId, state), entry.onBridge)) {
      this.dirtyLights.delete(lightId);
      return;
    }
    this.markDirty(lightId, entry);
    this.kick();
  }

  /** Latest wanted state for a whole group (one broadcast for all its lights). */
  setGroup(groupId: string, state: NormalizedHueState): void {
    const seq = ++this.seq;
    const members = this.options.groupMembers(groupId);
    const command = groupCommandFor(state);
    let entry = this.groups.get(groupId);
    const alreadyShown =
      entry !== undefined &&
      sameLook(command, entry.onBridge) &&
      members !== undefined &&
      members.every((m) => sameLook(this.options.lightCommand(m, state), this.lights.get(m)?.onBridge));
    if (!entry) {
      entry = { wanted: state, seq, onBridge: undefined, dirtySince: performance.now() };
      this.groups.set(groupId, entry);
    }
    entry.wanted = state;
    entry.seq = seq;
    // The group's wish is now each member's wish; their own unsent wishes are superseded.
    for (const member of members ?? []) {
      const light = this.light(member);
      light.wanted = state;
      light.seq = seq;
      this.dirtyLights.delete(member);
    }
    if (alreadyShown) {
      this.dirtyGroups.delete(groupId);
      return;
    }
    if (!this.dirtyGroups.has(groupId)) {
      entry.dirtySince = performance.now();
      this.dirtyGroups.add(groupId);
    }
    this.kick();
  }

  /** Stop sending (bridge unreachable or not authorised); wishes keep accumulating. */
  pause(): void {
    this.paused = true;
    this.clearTimer();
  }

  resume(): void {
    if (this.stopped) return;
    this.paused = false;
    this.kick();
  }

  /**
   * The bridge's state is unknown again (it restarted, came back, or someone used the Hue app while we
   * could not reach it): send every latest wish again, groups as groups.
   */
  resendAll(): void {
    const now = performance.now();
    for (const [id, entry] of this.lights) {
      entry.onBridge = undefined;
      if (entry.wanted) this.markDirty(id, entry, now);
    }
    for (const [id, group] of this.groups) {
      group.onBridge = undefined;
      const members = this.options.groupMembers(id);
      const covered = members?.filter((m) => this.lights.get(m)?.seq === group.seq);
      if (covered !== undefined && covered.length === 0) continue;
      for (const member of covered ?? []) this.dirtyLights.delete(member);
      if (!this.dirtyGroups.has(id)) {
        group.dirtySince = now;
        this.dirtyGroups.add(id);
      }
    }
    this.kick();
  }

  /** Forget a light (it is not on the bridge): its wish is dropped. */
  forgetLight(lightId: string): void {
    this.lights.delete(lightId);
    this.dirtyLights.delete(lightId);
  }

  forgetGroup(groupId: string): void {
    this.groups.delete(groupId);
    this.dirtyGroups.delete(groupId);
  }

  get pendingLights(): number {
    return this.dirtyLights.size;
  }

  get pendingGroups(): number {
    return this.dirtyGroups.size;
  }

  /** The wish last given for a light (after a group wish, the group's). */
  wantedLight(lightId: string): NormalizedHueState | undefined {
    return this.lights.get(lightId)?.wanted;
  }

  stop(): void {
    this.stopped = true;
    this.pause();
  }

  // --- sending ----------------------------------------------------------------------------------------

  private light(lightId: string): LightEntry {
    let entry = this.lights.get(lightId);
    if (!entry) {
      entry = { wanted: undefined, seq: 0, onBridge: undefined, dirtySince: 0 };
      this.lights.set(lightId, entry);
    }
    return entry;
  }

  private markDirty(lightId: string, entry: LightEntry, now = performance.now()): void {
    if (this.dirtyLights.has(lightId)) return; // keeps its place in line and its waiting time
    entry.dirtySince = now;
    this.dirtyLights.add(lightId);
  }

  private kick(): void {
    // Deferred to the next turn of the event loop: a burst of calls in one frame becomes one pass.
    this.wake(performance.now());
  }

  private wake(at: number): void {
    if (this.paused || this.stopped) return;
    if (this.timer && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(this.pump, Math.max(0, at - performance.now()));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private readonly pump = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.paused || this.stopped) return;
    const now = performance.now();
    let wakeAt = Infinity;
    if (this.groupInFlight === undefined && this.dirtyGroups.size) {
      const at = this.groupPacer.nextAt();
      if (at <= now) this.sendNextGroup(now);
      else wakeAt = at;
    }
    if (this.lightInFlight === undefined && this.dirtyLights.size) {
      const at = this.lightPacer.nextAt();
      if (at <= now) this.sendNextLight(now);
      else wakeAt = Math.min(wakeAt, at);
    }
    if (wakeAt < Infinity) this.wake(wakeAt);
  };

  /** Lights a pending or in-flight group command will set: their own commands must come after it. */
  private heldLights(): Set<string> {
    const held = new Set<string>();
    const groups = [...this.dirtyGroups];
    if (this.groupInFlight !== undefined) groups.push(this.groupInFlight);
    for (const id of groups) for (const member of this.options.groupMembers(id) ?? []) held.add(member);
    return held;
  }

  private sendNextLight(now: number): void {
    const held = this.heldLights();
    for (const id of this.dirtyLights) {
      if (held.has(id)) continue;
      const entry = this.lights.get(id)!;
      this.dirtyLights.delete(id);
      if (!entry.wanted) continue;
      const command = this.options.lightCommand(id, entry.wanted);
      if (sameLook(command, entry.onBridge)) continue;
      this.sendLight(id, entry, command, now);
      return;
    }
  }

  private sendLight(id: string, entry: LightEntry, command: HueLightCommand, now: number): void {
    const waitingSince = entry.dirtySince;
    entry.onBridge = command;
    this.lightInFlight = id;
    this.lightPacer.sent(now);
    this.sink.sendLight(id, command).then(
      () => {
        this.lightPacer.succeeded();
        this.emit('sent', { kind: 'light', id, command, waitedMs: performance.now() - waitingSince });
      },
      (err: unknown) => {
        const error = classifyBridgeError(err);
        if (error.retryable) {
          if (entry.onBridge === command) entry.onBridge = undefined;
          if (entry.wanted && !this.dirtyLights.has(id)) {
            this.dirtyLights.add(id);
            entry.dirtySince = waitingSince;
          }
          if (error.kind === 'overloaded') this.lightPacer.backOff(performance.now());
        }
        this.emit('failed', { kind: 'light', id, command, error });
      },
    ).finally(() => {
      this.lightPacer.finished(performance.now());
      this.lightInFlight = undefined;
      this.kick();
    });
  }

  private sendNextGroup(now: number): void {
    for (const next of this.dirtyGroups) {
      // Groups take turns in the order they changed, except that an older wish for some of the same
      // lights (group 0 and a room, say) must land first: sent after, it would cover the newer one.
      const id = this.oldestOverlapping(next);
      const entry = this.groups.get(id)!;
      this.dirtyGroups.delete(id);
      const members = this.options.groupMembers(id);
      // Every member got a newer wish of its own since: the group command would only flash the old one.
      if (members !== undefined && members.length > 0 && members.every((m) => (this.lights.get(m)?.seq ?? 0) > entry.seq)) continue;
      this.sendGroup(id, entry, groupCommandFor(entry.wanted), now);
      return;
    }
  }

  /** Among pending groups sharing a light with `groupId` (itself included), the one wished for first. */
  private oldestOverlapping(groupId: string): string {
    const members = this.options.groupMembers(groupId);
    if (!members?.length) return groupId;
    const lights = new Set(members);
    let oldest = groupId;
    for (const other of this.dirtyGroups) {
      if (this.groups.get(other)!.seq >= this.groups.get(oldest)!.seq) continue;
      if (this.options.groupMembers(other)?.some((m) => lights.has(m))) oldest = other;
    }
    return oldest;
  }

  private sendGroup(id: string, entry: GroupEntry, command: HueLightCommand, now: number): void {
    const waitingSince = entry.dirtySince;
    const { seq, wanted } = entry;
    this.groupInFlight = id;
    this.groupPacer.sent(now);
    this.sink.sendGroup(id, command).then(
      () => {
        this.groupPacer.succeeded();
        entry.onBridge = command;
        this.afterGroupLanded(id, seq, wanted);
        this.emit('sent', { kind: 'group', id, command, waitedMs: performance.now() - waitingSince });
      },
      (err: unknown) => {
        const error = classifyBridgeError(err);
        entry.onBridge = undefined;
        if (error.retryable) {
          if (!this.dirtyGroups.has(id)) {
            this.dirtyGroups.add(id);
            entry.dirtySince = waitingSince;
          }
          if (error.kind === 'overloaded') this.groupPacer.backOff(performance.now());
        } else {
          // The bridge refused the group: its members still get the wish, one by one.
          for (const member of this.options.groupMembers(id) ?? []) {
            const light = this.lights.get(member);
            if (light?.seq === seq) this.markDirty(member, light);
          }
        }
        this.emit('failed', { kind: 'group', id, command, error });
      },
    ).finally(() => {
      this.groupPacer.finished(performance.now());
      this.groupInFlight = undefined;
      this.kick();
    });
  }

  /** What each light shows now that a group command (wish number `seq`) landed. */
  private afterGroupLanded(groupId: string, seq: number, state: NormalizedHueState): void {
    const members = this.options.groupMembers(groupId);
    const now = performance.now();
    if (members === undefined) {
      // Membership unknown: any light may have been overwritten. Lights with newer wishes get them again.
      for (const [id, light] of this.lights) {
        light.onBridge = undefined;
        if (light.seq > seq && light.wanted) this.markDirty(id, light, now);
      }
      return;
    }
    for (const id of members) {
      const light = this.light(id);
      if (light.seq > seq) {
        // A newer wish of its own: the group command just overwrote whatever it showed.
        light.onBridge = undefined;
        if (light.wanted) this.markDirty(id, light, now);
      } else {
        // The group's wish is the latest for this light (members found after setGroup included).
        light.wanted = state;
        light.seq = seq;
        light.onBridge = this.options.lightCommand(id, state);
      }
    }
  }
}
