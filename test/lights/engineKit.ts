import { Writable } from 'node:stream';
import pino from 'pino';
import { ATTR, ATTRIBUTES, type Attribute } from '../../adapters/lights/attributes.ts';
import { BUILTIN_EFFECTS } from '../../adapters/lights/effects/builtin/index.ts';
import { EffectRegistry } from '../../adapters/lights/effects/EffectRegistry.ts';
import type { EffectDefinition } from '../../adapters/lights/effects/Effect.ts';
import { LightsEngine } from '../../adapters/lights/engine/LightsEngine.ts';
import type { DmxOutput } from '../../adapters/lights/LightOutputs.ts';
import { LookSchema, type LookInput } from '../../adapters/lights/looks.ts';
import { PatchSchema, type PatchFixtureInput } from '../../hardware/patch/PatchSchema.ts';
import { loadProfileLibrary } from '../../hardware/profiles/ProfileLibrary.ts';

/** A DmxOutput that keeps every frame it is given (what an adapter would put on the wire). */
export class RecordingDmxOutput implements DmxOutput {
  readonly frames: Array<{ universe: number; at: number; slots: Uint8Array }> = [];
  constructor(
    readonly id: string,
    readonly universes: readonly number[],
    private readonly clock: () => number,
  ) {}
  setFrame(universe: number, slots: Uint8Array): void {
    this.frames.push({ universe, at: this.clock(), slots });
  }
}

export interface EngineKit {
  engine: LightsEngine;
  effects: EffectRegistry;
  /** Current monotonic time (ms) as the engine sees it. */
  readonly now: number;
  /** Render frames at `hz` from now until `untilMs` (absolute), collecting each fixture's levels. */
  run(untilMs: number, hz?: number): void;
  /** Move the clock to `at` and render one frame there. */
  renderAt(at: number): void;
  level(fixture: string, attribute: Attribute): number;
  levels(fixture: string): Record<Attribute, number>;
  /** Everything rendered by run()/renderAt(), per fixture. */
  history(fixture: string): Array<{ t: number; levels: number[]; limited: boolean }>;
  logs: Array<{ level: number; msg: string; [key: string]: unknown }>;
  dmx: RecordingDmxOutput;
}

export function makeEngine(options: {
  patch: PatchFixtureInput[];
  baseLook?: LookInput;
  scenes?: Record<string, LookInput>;
  extraEffects?: EffectDefinition[];
  universes?: number[];
  /** false: opt every fixture out of flash limiting (to specify merge semantics alone; the limiter has its own spec). */
  flashLimit?: boolean;
}): EngineKit {
  const effects = new EffectRegistry();
  for (const effect of [...BUILTIN_EFFECTS, ...(options.extraEffects ?? [])]) effects.register(effect);
  let clock = 0;
  const logs: EngineKit['logs'] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
        done();
      },
    }),
  );
  const dmx = new RecordingDmxOutput('recorder', options.universes ?? [1], () => clock);
  const engine = new LightsEngine({
    effects,
    profiles: loadProfileLibrary(),
    patch: PatchSchema.parse(options.flashLimit === false ? options.patch.map((f) => ({ ...f, flashLimitOptOut: 'merge semantics under test' })) : options.patch),
    baseLook: LookSchema.parse(options.baseLook ?? {}),
    scenes: Object.fromEntries(Object.entries(options.scenes ?? {}).map(([k, v]) => [k, LookSchema.parse(v)])),
    refreshHz: 44,
    outputs: () => ({ dmx: [dmx], hue: [] }),
    logger,
    now: () => clock,
  });
  const history = new Map<string, Array<{ t: number; levels: number[]; limited: boolean }>>();
  const record = () => {
    for (const state of engine.states()) {
      const list = history.get(state.id) ?? [];
      list.push({ t: clock, levels: state.levels, limited: state.limited });
      history.set(state.id, list);
    }
  };
  const kit: EngineKit = {
    engine,
    effects,
    get now() {
      return clock;
    },
    run(untilMs, hz = 44) {
      const step = 1_000 / hz;
      for (let t = clock; t <= untilMs + 1e-9; t += step) {
        clock = t;
        engine.renderFrame(clock);
        record();
      }
    },
    renderAt(at) {
      clock = at;
      engine.renderFrame(clock);
      record();
    },
    level: (fixture, attribute) => engine.state(fixture).levels[ATTR[attribute]]!,
    levels: (fixture) => Object.fromEntries(ATTRIBUTES.map((a) => [a, engine.state(fixture).levels[ATTR[a]]!])) as Record<Attribute, number>,
    history: (fixture) => history.get(fixture) ?? [],
    logs,
    dmx,
  };
  return kit;
}

/** Four RGB pars with dimmer (7 ch) in group "front", then an RGBW wash, on universe 1. */
export const PARS: PatchFixtureInput[] = [
  { id: 'p1', profile: 'rgb-par-7ch', universe: 1, address: 1, groups: ['front'] },
  { id: 'p2', profile: 'rgb-par-7ch', universe: 1, address: 8, groups: ['front'] },
  { id: 'p3', profile: 'rgb-par-7ch', universe: 1, address: 15, groups: ['front'] },
  { id: 'p4', profile: 'rgb-par-7ch', universe: 1, address: 22, groups: ['front'] },
  { id: 'wash', profile: 'rgbw', universe: 1, address: 29, groups: ['back'] },
];
