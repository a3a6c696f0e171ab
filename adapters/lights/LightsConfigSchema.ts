import { z } from 'zod';
import { PatchSchema } from '../../hardware/patch/PatchSchema.ts';
import { validatePatch } from '../../hardware/patch/validatePatch.ts';
import { loadProfileLibrary } from '../../hardware/profiles/ProfileLibrary.ts';
import { LookSchema } from './looks.ts';

/**
 * `lights:` in roomcast.yaml. The patch is checked against the fixture profiles while the config loads,
 * so `roomcast config check` reports overlaps and out-of-range addresses with file:line, naming both
 * fixtures.
 */
export const LightsConfigSchema = z
  .strictObject({
    /** Frames per second to DMX/Hue outputs. 44 is the most a DMX cable carries (22.7 ms per full frame). */
    refreshHz: z.number().min(1).max(44).default(44),
    /** Live fixture updates to the control UI per second. */
    uiRefreshHz: z.number().min(1).max(44).default(25),
    /** Extra folders of fixture profiles (`<id>.json`), besides hardware/fixtures; relative to the working directory. */
    profileDirs: z.array(z.string().min(1)).default([]),
    /** The patch. Edits made in the control UI are saved in the data dir and take precedence (until reverted). */
    fixtures: PatchSchema.default([]),
    /**
     * `auto`: with nothing patched and no DMX/Hue output configured, show a virtual demo rig so effects
     * can be tried on a machine without lights. `on` always (when nothing is patched), `off` never.
     */
    demoRig: z.enum(['auto', 'on', 'off']).default('auto'),
    /** What every fixture returns to when effects end (default: dark). */
    baseLook: LookSchema.default({}),
    /** Named looks for the `scene` effect. */
    scenes: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be 1-64 letters, digits, "-" or "_"'), LookSchema).default({}),
  })
  .superRefine((config, ctx) => {
    let profiles;
    try {
      profiles = loadProfileLibrary(config.profileDirs);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['profileDirs'], message: (err as Error).message });
      return;
    }
    for (const problem of validatePatch(config.fixtures, profiles, 'lights.fixtures')) {
      ctx.addIssue({ code: 'custom', path: ['fixtures', ...problem.path], message: problem.message });
    }
  });

export type LightsConfig = z.output<typeof LightsConfigSchema>;
