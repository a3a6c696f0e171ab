import { ATTRIBUTES } from './attributes.ts';
import type { LightsEngine, LightsOutputs } from './engine/LightsEngine.ts';
import type { PatchedFixture } from './engine/PatchedFixture.ts';
import type { LightsPatch } from './patch/LightsPatch.ts';
import type { LightsFixtureLevels, LightsFixtureView, LightsSnapshot } from '../../server/protocol/lightsEvents.ts';

/** What the UI and `GET /api/lights` show; built from the engine, the patch and the outputs. */
export interface LightsViewSource {
  engine: LightsEngine;
  patch: LightsPatch;
  outputs: () => LightsOutputs;
}

export function fixtureView(fixture: PatchedFixture): LightsFixtureView {
  const p = fixture.patch;
  const common = {
    id: p.id,
    name: p.name,
    kind: p.kind,
    groups: [...p.groups],
    attributes: ATTRIBUTES.filter((a) => fixture.attributes.has(a)),
    ...(p.flashLimitOptOut ? { flashLimitOptOut: p.flashLimitOptOut } : {}),
  };
  if (p.kind === 'hue') return { ...common, bridge: p.bridge, light: p.light };
  const profile = fixture.profile!;
  return { ...common, universe: p.universe, address: p.address, profile: { id: profile.id, name: profile.name, shape: profile.shape, footprint: profile.footprint } };
}

/** 0..255 per attribute: enough for drawing, and cheap to diff and send. */
export function levelsView(fixture: PatchedFixture): LightsFixtureLevels {
  return { levels: Array.from(fixture.output, (v) => Math.round(v * 255)), limited: fixture.limited };
}

export function lightsSnapshot({ engine, patch, outputs }: LightsViewSource): LightsSnapshot {
  const out = outputs();
  const levels: Record<string, LightsFixtureLevels> = {};
  for (const fixture of engine.fixtures) levels[fixture.id] = levelsView(fixture);
  const info = patch.info();
  return {
    fixtures: engine.fixtures.map(fixtureView),
    levels,
    firings: engine.firings(),
    effects: engine.effects.list(),
    groups: engine.groups,
    scenes: engine.scenes,
    patch: { source: info.source, savedAt: info.savedAt, savedPatchProblem: info.savedPatchProblem },
    outputs: { dmx: out.dmx.map((o) => ({ id: o.id, universes: [...o.universes] })), hue: out.hue.map((o) => ({ id: o.id })) },
    refreshHz: engine.refreshHz,
  };
}
