import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ActionTrigger } from '../../../server/actions/Action.ts';
import { NotFoundError } from '../../../server/errors.ts';
import type { PatchFixture } from '../../../hardware/patch/PatchSchema.ts';
import type { ProfileLibrary } from '../../../hardware/profiles/ProfileLibrary.ts';
import type { EffectFixture } from '../effects/Effect.ts';
import type { EffectRegistry } from '../effects/EffectRegistry.ts';
import type { DmxOutput, HueOutput } from '../LightOutputs.ts';
import { resolveLook, type Look } from '../looks.ts';
import { Firing, type FiringInfo } from './Firing.ts';
import { FrameClock } from './FrameClock.ts';
import { ATTRIBUTE_COUNT } from '../attributes.ts';
import { HueSender } from './HueSender.ts';
import { LayerMerge } from './mergeLayers.ts';
import { PatchedFixture, createFixtureStorage } from './PatchedFixture.ts';
import { UniverseProgram } from './UniverseProgram.ts';

const layerName = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/i, 'must be 1-64 letters, digits, ".", ":", "_" or "-"');

export const TargetsSchema = z.strictObject({
  fixtures: z.array(z.string().min(1).max(64)).max(65_536).optional(),
  groups: z.array(z.string().min(1).max(64)).max(256).optional(),
});

/** A request to fire an effect, from the API, a socket or a rule; `params` are checked against the effect. */
export const FireRequestSchema = z.strictObject({
  effect: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()).optional(),
  /** Fixtures and/or groups (chase order: fixtures as listed, then group members in patch order). Default: all. */
  targets: TargetsSchema.optional(),
  /** null: until stopped. Default: the effect's. */
  durationMs: z.number().int().min(0).max(86_400_000).nullable().optional(),
  priority: z.number().int().min(-1_000).max(1_000).optional(),
  fadeInMs: z.number().int().min(0).max(600_000).optional(),
  fadeOutMs: z.number().int().min(0).max(600_000).optional(),
  /** Firing on a layer releases what was on it (e.g. one "mood" at a time). */
  layer: layerName.optional(),
});
export type FireRequest = z.input<typeof FireRequestSchema>;

export const StopRequestSchema = z
  .strictObject({
    firing: z.string().min(1).max(64).optional(),
    layer: layerName.optional(),
    effect: z.string().min(1).max(64).optional(),
    all: z.literal(true).optional(),
    /** Default: each firing's own fade out; 0 ends at once. */
    fadeOutMs: z.number().int().min(0).max(600_000).optional(),
  })
  .refine((s) => s.firing !== undefined || s.layer !== undefined || s.effect !== undefined || s.all === true, {
    message: 'name what to stop: firing, layer, effect, or all: true',
  });
export type StopRequest = z.input<typeof StopRequestSchema>;

/** Live state of one fixture, as the UI shows it. */
export interface FixtureState {
  id: string;
  /** Output levels 0..1 in ATTRIBUTES order (after merge and flash limiting). */
  levels: number[];
  /** The flash limiter damped this frame. */
  limited: boolean;
}

export interface LightsOutputs {
  dmx: readonly DmxOutput[];
  hue: readonly HueOutput[];
}

export interface LightsEngineOptions {
  effects: EffectRegistry;
  profiles: ProfileLibrary;
  patch: readonly PatchFixture[];
  baseLook: Look;
  scenes: Readonly<Record<string, Look>>;
  /** Frames per second to the outputs (<= 44: a DMX frame takes 22.7 ms on the cable). */
  refreshHz: number;
  /** Read every frame: adapters may add or replace outputs while running. */
  outputs?: () => LightsOutputs;
  logger: Logger;
  /** Monotonic milliseconds (tests drive time by hand). */
  now?: () => number;
  epochNow?: () => number;
}

export interface LightsEngineEvents {
  /** After every rendered frame (monotonic ms). Listeners must be cheap. */
  frame: [now: number];
  /** A firing started, was stopped, or ended. */
  firings: [firings: FiringInfo[]];
  /** The patch changed. */
  patch: [fixtures: readonly PatchFixture[]];
}

const NO_OUTPUTS: LightsOutputs = { dmx: [], hue: [] };

/**
 * The lights engine: active effects layered per fixture over the base look, flash-limited per fixture,
 * rendered to DMX universe frames and Hue states at `refreshHz`. It runs the same with no outputs at all
 * (the control UI's virtual fixtures show the result).
 */
export class LightsEngine extends EventEmitter<LightsEngineEvents> {
  readonly effects: EffectRegistry;
  readonly refreshHz: number;
  readonly #options: LightsEngineOptions & { baseLook: Look; scenes: Readonly<Record<string, Look>> };
  readonly #now: () => number;
  readonly #epochNow: () => number;
  readonly #logger: Logger;
  readonly #merge = new LayerMerge();
  readonly #hue = new HueSender();
  #patch: readonly PatchFixture[] = [];
  #fixtures: PatchedFixture[] = [];
  #hueFixtures: PatchedFixture[] = [];
  #byId = new Map<string, PatchedFixture>();
  #groups = new Map<string, PatchedFixture[]>();
  #universes = new Map<number, PatchedFixture[]>();
  /** Every fixture's output levels, ATTRIBUTE_COUNT per fixture in patch order (PatchedFixture.output views). */
  #levels: Float64Array = new Float64Array(0);
  #programs = new Map<number, UniverseProgram>();
  #firings: Firing[] = [];
  /** Universe -> the outputs transmitting it (rebuilt when the outputs list changes). */
  #routes = new Map<number, DmxOutput[]>();
  #routedOutputs: readonly DmxOutput[] = [];
  #routedCount = 0;
  #seq = 0;
  #clock: FrameClock | undefined;
  #frames = 0;
  readonly #warned = new Set<string>();

  constructor(options: LightsEngineOptions) {
    super();
    this.#options = { ...options };
    this.effects = options.effects;
    this.refreshHz = Math.min(44, Math.max(1, options.refreshHz));
    this.#now = options.now ?? (() => performance.now());
    this.#epochNow = options.epochNow ?? (() => Date.now());
    this.#logger = options.logger;
    this.setPatch(options.patch);
  }

  // ---------- patch ----------

  get patch(): readonly PatchFixture[] {
    return this.#patch;
  }

  get fixtures(): readonly PatchedFixture[] {
    return this.#fixtures;
  }

  get groups(): string[] {
    return [...this.#groups.keys()].sort();
  }

  get scenes(): string[] {
    return Object.keys(this.#options.scenes);
  }

  /** Replace the base look and the scenes (running scene firings keep the look they started with). */
  setLooks(baseLook: Look, scenes: Readonly<Record<string, Look>>): void {
    this.#options.baseLook = baseLook;
    this.#options.scenes = scenes;
    for (const fixture of this.#fixtures) fixture.setBase(resolveLook(baseLook, fixture.patch));
    this.#clock?.kick();
  }

  /** Frames rendered so far. */
  get frameCount(): number {
    return this.#frames;
  }

  /**
   * Replace the patch (already validated). Fixtures that keep their id and emitters keep their flash
   * limiter (so re-patching can't reset its budget mid-strobe) and their place in running effects.
   */
  setPatch(patch: readonly PatchFixture[]): void {
    const previous = this.#byId;
    const storage = createFixtureStorage(patch.length);
    const fixtures = patch.map((entry, index) => {
      const profile = entry.kind === 'dmx' ? this.#options.profiles.get(entry.profile) : undefined;
      const fixture = new PatchedFixture(entry, profile, index, resolveLook(this.#options.baseLook, entry), storage);
      const old = previous.get(entry.id);
      if (old && fixture.limiter && old.limiter && sameSet(old.attributes, fixture.attributes)) {
        fixture.limiter.continueFrom(old.limiter);
        fixture.output.set(old.output);
      }
      if (old && (old.patch.kind !== entry.kind || JSON.stringify(old.patch) !== JSON.stringify(entry))) this.#hue.forget(entry.id);
      return fixture;
    });
    this.#patch = patch;
    this.#fixtures = fixtures;
    this.#hueFixtures = fixtures.filter((f) => f.patch.kind === 'hue');
    this.#byId = new Map(fixtures.map((f) => [f.id, f]));
    this.#levels = storage.outputs;
    this.#groups = new Map();
    this.#universes = new Map();
    for (const fixture of fixtures) {
      for (const group of fixture.patch.groups) {
        const members = this.#groups.get(group) ?? [];
        members.push(fixture);
        this.#groups.set(group, members);
      }
      if (fixture.patch.kind === 'dmx') {
        const members = this.#universes.get(fixture.patch.universe) ?? [];
        members.push(fixture);
        this.#universes.set(fixture.patch.universe, members);
      }
    }
    for (const fixture of fixtures) {
      if (fixture.patch.flashLimitOptOut && !this.#warned.has(`optout:${fixture.id}`)) {
        this.#warned.add(`optout:${fixture.id}`);
        this.#logger.warn(
          { fixture: fixture.id, reason: fixture.patch.flashLimitOptOut },
          `fixture "${fixture.id}": the photosensitive flash limiter is OFF (flashLimitOptOut: ${fixture.patch.flashLimitOptOut}); it may flash more than 3 times per second`,
        );
      }
    }
    this.#programs = new Map([...this.#universes].map(([universe, members]) => [universe, new UniverseProgram(members)]));
    this.#rebuildLayers();
    this.emit('patch', patch);
    this.#clock?.kick();
  }

  /** Fixtures whose flash limiter is off, with the reason given in the patch. */
  safetyOptOuts(): Array<{ fixture: string; name: string; reason: string }> {
    return this.#fixtures.filter((f) => f.patch.flashLimitOptOut).map((f) => ({ fixture: f.id, name: f.patch.name, reason: f.patch.flashLimitOptOut! }));
  }

  // ---------- firing ----------

  /** Fire an effect. Throws ValidationError (bad params) or NotFoundError (effect, fixture, group, scene). */
  fire(request: FireRequest, trigger?: ActionTrigger): FiringInfo {
    const effect = this.effects.get(request.effect);
    const params = this.effects.parseParams(effect.id, request.params ?? {});
    const targets = this.#resolveTargets(request.targets);
    const durationMs = request.durationMs === undefined ? effect.defaultDurationMs : request.durationMs;
    const envelope = effect.envelope?.(params) ?? {};
    const now = this.#now();
    const fixtures: EffectFixture[] = targets.map((fixture, index) => ({
      id: fixture.id,
      name: fixture.patch.name,
      groups: fixture.patch.groups,
      index,
      count: targets.length,
      attributes: fixture.attributes,
    }));
    const render = effect.start(params, {
      fixtures,
      trigger,
      durationMs,
      scene: (name) => {
        const look = this.#options.scenes[name];
        if (!look) throw new NotFoundError('scene', name, Object.keys(this.#options.scenes));
        return look;
      },
    });
    const layer = request.layer ?? effect.defaultLayer ?? null;
    const firing = new Firing({
      id: randomUUID().slice(0, 8),
      effect: effect.id,
      // As asked (colours stay "#ff0000", not levels): what people wrote is what the UI shows.
      params: request.params ?? {},
      priority: request.priority ?? effect.defaultPriority,
      layer,
      seq: ++this.#seq,
      startedAt: now,
      startedAtEpoch: this.#epochNow(),
      durationMs,
      fadeInMs: request.fadeInMs ?? envelope.fadeInMs ?? 0,
      fadeOutMs: request.fadeOutMs ?? envelope.fadeOutMs ?? 0,
      targets: fixtures,
      render,
      source: trigger?.source ?? 'api',
      description: trigger?.description ?? '',
    });
    // A layer holds one firing: the previous one cross-fades out while the new one fades in.
    if (layer !== null) for (const other of this.#firings) if (other.layer === layer) other.release(now, firing.fadeInMs);
    this.#firings.push(firing);
    this.#rebuildLayers();
    this.#logger.info(
      { firing: firing.id, effect: effect.id, fixtures: fixtures.length, priority: firing.priority, durationMs, layer, source: trigger?.source ?? 'api' },
      `effect "${effect.id}" fired`,
    );
    this.#emitFirings(now);
    this.#clock?.kick();
    return firing.info(now);
  }

  /** Release matching firings (fade out, or at once with fadeOutMs 0); returns what was stopped. */
  stop(request: StopRequest): FiringInfo[] {
    const now = this.#now();
    const matches = this.#firings.filter(
      (f) => request.all === true || f.id === request.firing || (request.layer !== undefined && f.layer === request.layer) || (request.effect !== undefined && f.effect === request.effect),
    );
    if (request.firing !== undefined && !matches.some((f) => f.id === request.firing)) {
      throw new NotFoundError('firing', request.firing, this.#firings.map((f) => f.id));
    }
    for (const firing of matches) firing.release(now, request.fadeOutMs);
    if (matches.length) {
      this.#logger.info({ stopped: matches.map((f) => f.id), request }, `stopped ${matches.length} effect${matches.length === 1 ? '' : 's'}`);
      this.#emitFirings(now);
      this.#clock?.kick();
    }
    return matches.map((f) => f.info(now));
  }

  firings(): FiringInfo[] {
    const now = this.#now();
    return this.#firings.filter((f) => !f.ended(now)).map((f) => f.info(now));
  }

  #resolveTargets(targets: FireRequest['targets']): PatchedFixture[] {
    if (!targets || (!targets.fixtures?.length && !targets.groups?.length)) return this.#fixtures.slice();
    const chosen: PatchedFixture[] = [];
    const seen = new Set<string>();
    const add = (fixture: PatchedFixture) => {
      if (seen.has(fixture.id)) return;
      seen.add(fixture.id);
      chosen.push(fixture);
    };
    for (const id of targets.fixtures ?? []) {
      const fixture = this.#byId.get(id);
      if (!fixture) throw new NotFoundError('fixture', id, [...this.#byId.keys()]);
      add(fixture);
    }
    for (const group of targets.groups ?? []) {
      const members = this.#groups.get(group);
      if (!members) throw new NotFoundError('group', group, this.groups);
      members.forEach(add);
    }
    return chosen;
  }

  #rebuildLayers(): void {
    const layers = new Map<PatchedFixture, Array<{ firing: Firing; target: EffectFixture }>>();
    for (const firing of this.#firings) {
      for (const target of firing.targetsById.values()) {
        const fixture = this.#byId.get(target.id);
        if (!fixture) continue;
        const list = layers.get(fixture) ?? [];
        list.push({ firing, target });
        layers.set(fixture, list);
      }
    }
    for (const fixture of this.#fixtures) {
      const list = (layers.get(fixture) ?? []).sort((a, b) => a.firing.priority - b.firing.priority || a.firing.seq - b.firing.seq);
      fixture.layerFirings = list.map((l) => l.firing);
      fixture.layerTargets = list.map((l) => l.target);
      fixture.settled = false;
    }
  }

  #emitFirings(now: number): void {
    if (this.listenerCount('firings') === 0) return;
    this.emit(
      'firings',
      this.#firings.filter((f) => !f.ended(now)).map((f) => f.info(now)),
    );
  }

  // ---------- rendering ----------

  /** Start rendering at refreshHz. */
  start(): void {
    this.#clock ??= new FrameClock(this.refreshHz, (now) => this.renderFrame(now), this.#now);
    this.#clock.start();
  }

  /** Stop rendering; outputs keep their last frame (the adapters decide what to do on shutdown). */
  stopClock(): void {
    this.#clock?.stop();
  }

  /** Render one frame at `now` (monotonic ms) and hand it to the outputs. */
  renderFrame(now: number = this.#now()): void {
    this.#frames++;
    let ended = false;
    for (const firing of this.#firings) if (firing.ended(now)) ended = true;
    if (ended) {
      const over = this.#firings.filter((f) => f.ended(now));
      this.#firings = this.#firings.filter((f) => !f.ended(now));
      this.#rebuildLayers();
      for (const firing of over) this.#logger.debug({ firing: firing.id, effect: firing.effect }, 'effect ended');
      this.#emitFirings(now);
    }

    for (const firing of this.#firings) firing.prepare(now);

    const merge = this.#merge;
    for (const fixture of this.#fixtures) {
      const firings = fixture.layerFirings;
      // Nothing on it and already showing its base look: nothing can change (the common case at rest).
      if (firings.length === 0 && fixture.settled) continue;
      const output = fixture.output;
      merge.reset(fixture.base, output);
      const targets = fixture.layerTargets;
      for (let l = 0; l < firings.length; l++) {
        const firing = firings[l]!;
        const mix = firing.frameMix;
        if (mix <= 0) continue;
        let levels;
        try {
          levels = firing.render(firing.frameTime, targets[l]!);
        } catch (err) {
          this.#failed(firing, err, now);
          continue;
        }
        if (levels) merge.apply(levels, firing.priority, mix);
      }
      fixture.limited = fixture.limiter ? fixture.limiter.apply(output, now) : false;
      fixture.settled = firings.length === 0 && !fixture.limited && sameLevels(output, fixture.base);
    }

    const outputs = this.#options.outputs?.() ?? NO_OUTPUTS;
    this.#sendDmx(outputs.dmx);
    if (this.#hueFixtures.length) {
      for (const fixture of this.#hueFixtures) {
        this.#hue.update(fixture, outputs.hue, now, (bridge) => this.#warnOnce(`bridge:${bridge}`, { bridge }, `Hue bridge "${bridge}" has no output (is the Hue adapter configured with that id?); its fixtures are virtual only`));
      }
    }
    this.emit('frame', now);
  }

  /** The universe frames this patch produces (for outputs, tests and the bench). */
  renderUniverse(universe: number): Uint8Array {
    const frame = new Uint8Array(512);
    this.#programs.get(universe)?.encode(this.#levels, frame);
    return frame;
  }

  get universes(): number[] {
    return [...this.#universes.keys()].sort((a, b) => a - b);
  }

  #sendDmx(outputs: readonly DmxOutput[]): void {
    if (!outputs.length) return;
    const routes = this.#routesFor(outputs);
    for (const [universe, targets] of routes) {
      let frame: Uint8Array | undefined;
      for (const output of targets) {
        // Each output gets its own fresh buffer (the contract): one may keep it while another is sent.
        frame = frame ? frame.slice() : this.renderUniverse(universe);
        try {
          output.setFrame(universe, frame);
        } catch (err) {
          this.#warnOnce(`dmx:${output.id}:${universe}`, { output: output.id, universe, err: (err as Error).message }, `DMX output "${output.id}" refused a frame`);
        }
      }
    }
  }

  /** Universe -> outputs, recomputed only when the outputs (or what they carry) change. */
  #routesFor(outputs: readonly DmxOutput[]): Map<number, DmxOutput[]> {
    // Outputs and their universes are read-only by contract; an adapter may append outputs (length).
    if (outputs === this.#routedOutputs && outputs.length === this.#routedCount) return this.#routes;
    const routes = new Map<number, DmxOutput[]>();
    for (const output of outputs) {
      for (const universe of output.universes) {
        const list = routes.get(universe) ?? [];
        list.push(output);
        routes.set(universe, list);
      }
    }
    this.#routes = routes;
    this.#routedOutputs = outputs;
    this.#routedCount = outputs.length;
    return routes;
  }

  #failed(firing: Firing, err: unknown, now: number): void {
    this.#logger.error({ firing: firing.id, effect: firing.effect, err: (err as Error).message }, `effect "${firing.effect}" failed while rendering; stopped`);
    firing.release(now, 0);
    firing.frameMix = 0;
  }

  #warnOnce(key: string, fields: Record<string, unknown>, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#logger.warn(fields, message);
  }

  /** Every fixture's current output. */
  states(): FixtureState[] {
    return this.#fixtures.map((f) => ({ id: f.id, levels: Array.from(f.output), limited: f.limited }));
  }

  state(id: string): FixtureState {
    const fixture = this.#byId.get(id);
    if (!fixture) throw new NotFoundError('fixture', id, [...this.#byId.keys()]);
    return { id, levels: Array.from(fixture.output), limited: fixture.limited };
  }

  /**
   * Render `request` "blind": a private engine with the same patch and base look, no other effects and
   * no outputs, sampled at `fps` until the effect has ended (or `maxMs`). Flash limiting included.
   */
  preview(request: FireRequest, trigger: ActionTrigger | undefined, { fps = 25, maxMs = 20_000 } = {}): EffectPreview {
    // Only the targets go into the sandbox (a preview must not render a whole rig for seconds on the
    // event loop), and the work is capped: at most PREVIEW_BUDGET fixture-frames.
    const targets = this.#resolveTargets(request.targets);
    const ids = targets.map((f) => f.id);
    const step = 1_000 / fps;
    const limitMs = Math.min(maxMs, (PREVIEW_BUDGET / Math.max(1, targets.length)) * step);
    let clock = 0;
    const sandbox = new LightsEngine({
      ...this.#options,
      patch: targets.map((f) => f.patch),
      outputs: () => NO_OUTPUTS,
      now: () => clock,
      logger: this.#logger.child({ preview: true }, { level: 'error' }), // the live engine already warned (opt-outs...)
    });
    const fired = sandbox.fire({ ...request, targets: { fixtures: ids } }, trigger);
    const frames: EffectPreview['frames'] = [];
    const fixtures = ids.map((id) => sandbox.#byId.get(id)!);
    for (clock = 0; clock <= limitMs; clock += step) {
      sandbox.renderFrame(clock);
      frames.push({ t: Math.round(clock), levels: fixtures.map((f) => Array.from(f.output, quantise)), limited: fixtures.filter((f) => f.limited).map((f) => f.id) });
      if (sandbox.#firings.length === 0) break;
    }
    return { fps, fixtures: ids, frames, firing: fired };
  }
}

/** Fixture-frames one preview may render (e.g. 20 fixtures for 15 s at 25 fps). */
const PREVIEW_BUDGET = 10_000;

export interface EffectPreview {
  fps: number;
  /** Fixture ids, in the order of each frame's `levels`. */
  fixtures: string[];
  frames: Array<{ t: number; levels: number[][]; limited: string[] }>;
  firing: FiringInfo;
}

const quantise = (v: number) => Math.round(v * 1_000) / 1_000;

function sameLevels(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < ATTRIBUTE_COUNT; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const v of a) if (!b.has(v)) return false;
  return true;
}

