import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatZodIssues } from '../../server/validation/formatIssues.ts';
import { NotFoundError } from '../../server/errors.ts';
import { FixtureProfileSchema, describeProfile, type FixtureProfile } from './FixtureProfileSchema.ts';

/** `hardware/fixtures/`: the profiles that ship with Roomcast. */
export const BUILTIN_PROFILE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** One or more profile files that can't be used; each problem names the file and the key path. */
export class ProfileError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid fixture profiles:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ProfileError';
  }
}

/** Every profile Roomcast knows, by id. */
export class ProfileLibrary {
  readonly #profiles: ReadonlyMap<string, FixtureProfile>;

  constructor(profiles: Iterable<FixtureProfile>) {
    this.#profiles = new Map([...profiles].map((p) => [p.id, p]));
  }

  get ids(): string[] {
    return [...this.#profiles.keys()].sort();
  }

  list(): FixtureProfile[] {
    return this.ids.map((id) => this.#profiles.get(id)!);
  }

  find(id: string): FixtureProfile | undefined {
    return this.#profiles.get(id);
  }

  get(id: string): FixtureProfile {
    const profile = this.#profiles.get(id);
    if (!profile) throw new NotFoundError('fixture profile', id, this.ids);
    return profile;
  }
}

/**
 * Read and validate every `*.json` in `dirs` (synchronously: the config schema checks the patch against
 * them while the config loads). A profile's `id` must match its file name and be unique across folders.
 */
export function readProfiles(dirs: readonly string[]): ProfileLibrary {
  const problems: string[] = [];
  const profiles = new Map<string, FixtureProfile>();
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch (err) {
      problems.push(`${dir}: cannot read the profile folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    for (const file of files) {
      const source = path.join(dir, file);
      const shown = path.relative(process.cwd(), source) || source;
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(source, 'utf8'));
      } catch (err) {
        problems.push(`${shown}: not valid JSON (${(err as Error).message})`);
        continue;
      }
      const result = FixtureProfileSchema.safeParse(raw);
      if (!result.success) {
        for (const issue of formatZodIssues(result.error, FixtureProfileSchema)) problems.push(`${shown}: ${issue.path}: ${issue.message}`);
        continue;
      }
      const expectedId = file.slice(0, -'.json'.length);
      if (result.data.id !== expectedId) {
        problems.push(`${shown}: id: "${result.data.id}" must match the file name ("${expectedId}")`);
        continue;
      }
      const existing = profiles.get(result.data.id);
      if (existing) {
        problems.push(`${shown}: id: "${result.data.id}" is already defined by ${path.relative(process.cwd(), existing.source) || existing.source}`);
        continue;
      }
      profiles.set(result.data.id, describeProfile(result.data, source));
    }
  }
  if (problems.length) throw new ProfileError(problems);
  return new ProfileLibrary(profiles.values());
}

const cache = new Map<string, ProfileLibrary>();

/** The built-in profiles plus those in `extraDirs`, read once per process for a given set of folders. */
export function loadProfileLibrary(extraDirs: readonly string[] = []): ProfileLibrary {
  const dirs = [BUILTIN_PROFILE_DIR, ...extraDirs.map((d) => path.resolve(d))];
  const key = dirs.join('\0');
  let library = cache.get(key);
  if (!library) {
    library = readProfiles(dirs);
    cache.set(key, library);
  }
  return library;
}
