import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { z } from 'zod';
import { NotFoundError } from '../../../server/errors.ts';
import { ValidationError, formatZodIssues } from '../../../server/validation/formatIssues.ts';
import { prefixIssues } from '../validation.ts';
import { PatchFixtureInputSchema, PatchSchema, type PatchFixture, type PatchFixtureInput } from '../../../hardware/patch/PatchSchema.ts';
import { problemPath, validatePatch } from '../../../hardware/patch/validatePatch.ts';
import type { ProfileLibrary } from '../../../hardware/profiles/ProfileLibrary.ts';
import { LookSchema, type Look } from '../looks.ts';
import { DEMO_BASE_LOOK, DEMO_RIG, DEMO_SCENES } from './demoRig.ts';
import { toPatchInput, type PatchStore } from './PatchStore.ts';

/** Where the patch in use comes from. */
export type PatchSource = 'saved' | 'config' | 'demo';

export interface PatchInfo {
  source: PatchSource;
  /** Epoch ms of the last save from the UI (source `saved`). */
  savedAt: number | null;
  fixtures: PatchFixtureInput[];
  /** Why a saved patch was not used (it no longer validates), if so. */
  savedPatchProblem: string | null;
}

export interface LightsPatchOptions {
  store: PatchStore;
  profiles: ProfileLibrary;
  /** From roomcast.yaml (already validated). */
  configPatch: readonly PatchFixture[];
  configBaseLook: Look;
  configScenes: Readonly<Record<string, Look>>;
  /** Whether the demo rig stands in for an empty patch. */
  demoAllowed: boolean;
  logger: Logger;
}

export interface LightsPatchEvents {
  change: [info: PatchInfo];
}

/** Parse and check a whole patch; ValidationError issues name `fixtures[i].key` and both fixtures of a clash. */
export function parsePatch(input: unknown, profiles: ProfileLibrary, what = 'patch'): PatchFixture[] {
  const result = PatchSchema.safeParse(input);
  if (!result.success) throw new ValidationError(what, prefixIssues(formatZodIssues(result.error, PatchSchema), ['fixtures']));
  const problems = validatePatch(result.data, profiles, 'fixtures');
  if (problems.length) {
    throw new ValidationError(
      what,
      problems.map((p) => ({ path: problemPath('fixtures', p), rawPath: ['fixtures', ...p.path], message: p.message })),
    );
  }
  return result.data;
}

/**
 * The patch in use and its looks: saved edits from the control UI, else roomcast.yaml, else (nothing
 * patched, no outputs) the demo rig. Every change is validated as a whole before it is applied and saved.
 */
export class LightsPatch extends EventEmitter<LightsPatchEvents> {
  readonly #options: LightsPatchOptions;
  #source: PatchSource = 'config';
  #savedAt: number | null = null;
  #fixtures: PatchFixture[] = [];
  #savedPatchProblem: string | null = null;

  constructor(options: LightsPatchOptions) {
    super();
    this.#options = options;
    let saved = null;
    try {
      saved = options.store.load();
    } catch (err) {
      this.#savedPatchProblem = `${options.store.file} is unreadable (${(err as Error).message})`;
    }
    if (saved) {
      try {
        this.#fixtures = parsePatch(saved.fixtures, options.profiles, `saved patch ${options.store.file}`);
        this.#source = 'saved';
        this.#savedAt = saved.savedAt;
      } catch (err) {
        this.#savedPatchProblem = (err as Error).message;
      }
    }
    if (this.#savedPatchProblem) {
      options.logger.error({ file: options.store.file, problem: this.#savedPatchProblem }, 'the patch saved from the control UI is not valid any more; using the one from roomcast.yaml (fix or revert it on the Lights page)');
    }
    if (this.#source !== 'saved') this.#useDefault();
  }

  #useDefault(): void {
    const { configPatch, demoAllowed } = this.#options;
    if (configPatch.length === 0 && demoAllowed) {
      this.#source = 'demo';
      this.#fixtures = PatchSchema.parse(DEMO_RIG);
    } else {
      this.#source = 'config';
      this.#fixtures = [...configPatch];
    }
    this.#savedAt = null;
  }

  get fixtures(): readonly PatchFixture[] {
    return this.#fixtures;
  }

  get source(): PatchSource {
    return this.#source;
  }

  /** The base look and scenes for the patch in use (the demo rig brings its own unless config has some). */
  looks(): { baseLook: Look; scenes: Record<string, Look> } {
    const { configBaseLook, configScenes } = this.#options;
    if (this.#source !== 'demo') return { baseLook: configBaseLook, scenes: { ...configScenes } };
    const emptyLook = !configBaseLook.all && !configBaseLook.groups && !configBaseLook.fixtures;
    return {
      baseLook: emptyLook ? LookSchema.parse(DEMO_BASE_LOOK) : configBaseLook,
      scenes: Object.keys(configScenes).length ? { ...configScenes } : z.record(z.string(), LookSchema).parse(DEMO_SCENES),
    };
  }

  info(): PatchInfo {
    return { source: this.#source, savedAt: this.#savedAt, fixtures: this.#fixtures.map(toPatchInput), savedPatchProblem: this.#savedPatchProblem };
  }

  /** Replace the whole patch (validated as a whole) and save it. */
  replace(input: unknown): PatchInfo {
    const fixtures = parsePatch(input, this.#options.profiles);
    return this.#apply(fixtures);
  }

  /** Add a fixture, or change the one with this id (`id` may rename it when the body names another). */
  upsert(id: string, input: unknown): PatchInfo {
    const entry = PatchFixtureInputSchema.safeParse(input);
    if (!entry.success) {
      throw new ValidationError('fixture', prefixIssues(formatZodIssues(entry.error, PatchFixtureInputSchema), ['fixture']));
    }
    const list = this.#fixtures.map(toPatchInput);
    const index = list.findIndex((f) => f.id === id);
    if (index === -1) list.push(toPatchInput(entry.data));
    else list[index] = toPatchInput(entry.data);
    return this.replace(list);
  }

  remove(id: string): PatchInfo {
    if (!this.#fixtures.some((f) => f.id === id)) throw new NotFoundError('fixture', id, this.#fixtures.map((f) => f.id));
    return this.#apply(this.#fixtures.filter((f) => f.id !== id));
  }

  /** Forget the saved patch: back to roomcast.yaml (or the demo rig). */
  revert(): PatchInfo {
    this.#options.store.clear();
    this.#savedPatchProblem = null;
    this.#useDefault();
    this.#options.logger.info({ source: this.#source }, 'lights patch reverted to the configured one');
    const info = this.info();
    this.emit('change', info);
    return info;
  }

  #apply(fixtures: PatchFixture[]): PatchInfo {
    const saved = this.#options.store.save(fixtures);
    this.#fixtures = fixtures;
    this.#source = 'saved';
    this.#savedAt = saved.savedAt;
    this.#savedPatchProblem = null;
    this.#options.logger.info({ fixtures: fixtures.length, file: this.#options.store.file }, 'lights patch saved');
    const info = this.info();
    this.emit('change', info);
    return info;
  }
}
