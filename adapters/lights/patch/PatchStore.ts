import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { PatchFixture, PatchFixtureInput } from '../../../hardware/patch/PatchSchema.ts';
import { writeJsonFile } from '../../../server/storage/writeJsonFile.ts';

export interface SavedPatch {
  savedAt: number;
  /** Raw entries: validated again on every load (a profile may have gone since). */
  fixtures: unknown;
}

/** A patch entry in the form roomcast.yaml uses (what the store and the API hand out). */
export function toPatchInput(fixture: PatchFixture): PatchFixtureInput {
  const common = { id: fixture.id, name: fixture.name, groups: [...fixture.groups], ...(fixture.flashLimitOptOut ? { flashLimitOptOut: fixture.flashLimitOptOut } : {}) };
  return fixture.kind === 'hue'
    ? { ...common, kind: 'hue', bridge: fixture.bridge, light: fixture.light, colour: fixture.colour }
    : { ...common, kind: 'dmx', profile: fixture.profile, universe: fixture.universe, address: fixture.address };
}

/**
 * The patch edited in the control UI, kept in `<dataDir>/lights/patch.json` so it survives restarts.
 * Without that file the patch from roomcast.yaml applies. Written atomically (temp file + rename).
 */
export class PatchStore {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, 'patch.json');
  }

  /** The saved patch, null when there is none; throws when the file exists but can't be read as JSON. */
  load(): SavedPatch | null {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const parsed = JSON.parse(text) as Partial<SavedPatch>;
    return { savedAt: Number(parsed.savedAt ?? 0), fixtures: parsed.fixtures };
  }

  save(fixtures: readonly PatchFixture[], now = Date.now()): SavedPatch {
    const saved: SavedPatch = { savedAt: now, fixtures: fixtures.map(toPatchInput) };
    writeJsonFile(this.file, saved);
    return saved;
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}
