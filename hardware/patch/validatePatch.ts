import type { ProfileLibrary } from '../profiles/ProfileLibrary.ts';
import { DMX_SLOTS, type PatchFixture } from './PatchSchema.ts';

/** A problem with one fixture: `path` is relative to the fixture list (`[3, 'address']`). */
export interface PatchProblem {
  path: Array<string | number>;
  message: string;
}

const where = (basePath: string, index: number) => `${basePath}[${index}]`;

/**
 * Checks what a schema can't see on its own: every id unique, every profile known, every DMX fixture
 * inside its universe and clear of the others, every Hue light driven by one fixture only. Messages name
 * both fixtures of a clash (and where the other one is), so a long patch is quick to fix.
 */
export function validatePatch(fixtures: readonly PatchFixture[], profiles: ProfileLibrary, basePath = 'fixtures'): PatchProblem[] {
  const problems: PatchProblem[] = [];
  const ids = new Map<string, number>();
  fixtures.forEach((fixture, index) => {
    const first = ids.get(fixture.id);
    if (first !== undefined) problems.push({ path: [index, 'id'], message: `duplicate fixture id "${fixture.id}" (already used by ${where(basePath, first)})` });
    else ids.set(fixture.id, index);
  });

  interface Span {
    index: number;
    id: string;
    first: number;
    last: number;
  }
  const byUniverse = new Map<number, Span[]>();
  const hueLights = new Map<string, { index: number; id: string }>();

  fixtures.forEach((fixture, index) => {
    if (fixture.kind === 'hue') {
      const key = `${fixture.bridge}\0${fixture.light}`;
      const other = hueLights.get(key);
      if (other) {
        problems.push({
          path: [index, 'light'],
          message: `fixture "${fixture.id}" drives the same Hue light (bridge "${fixture.bridge}", light ${fixture.light}) as fixture "${other.id}" (${where(basePath, other.index)})`,
        });
      } else hueLights.set(key, { index, id: fixture.id });
      return;
    }
    const profile = profiles.find(fixture.profile);
    if (!profile) {
      problems.push({ path: [index, 'profile'], message: `fixture "${fixture.id}": unknown fixture profile "${fixture.profile}" (known: ${profiles.ids.join(', ')})` });
      return;
    }
    const last = fixture.address + profile.footprint - 1;
    if (last > DMX_SLOTS) {
      problems.push({
        path: [index, 'address'],
        message: `fixture "${fixture.id}" (${profile.id}, ${profile.footprint} channels) at address ${fixture.address} runs past slot ${DMX_SLOTS} of universe ${fixture.universe} (it would end at ${last}; the last valid address is ${DMX_SLOTS - profile.footprint + 1})`,
      });
      return;
    }
    const spans = byUniverse.get(fixture.universe) ?? [];
    const clash = spans.find((span) => fixture.address <= span.last && last >= span.first);
    if (clash) {
      problems.push({
        path: [index, 'address'],
        message: `fixture "${fixture.id}" (universe ${fixture.universe}, slots ${fixture.address}-${last}) overlaps fixture "${clash.id}" (${where(basePath, clash.index)}, slots ${clash.first}-${clash.last})`,
      });
    }
    spans.push({ index, id: fixture.id, first: fixture.address, last });
    byUniverse.set(fixture.universe, spans);
  });
  return problems;
}

/** `lights.fixtures[2].address`-style path of a problem below `basePath`. */
export function problemPath(basePath: string, problem: PatchProblem): string {
  return basePath + problem.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}
