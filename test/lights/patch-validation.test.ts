import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PatchSchema } from '../../hardware/patch/PatchSchema.ts';
import { validatePatch } from '../../hardware/patch/validatePatch.ts';
import { ProfileError, loadProfileLibrary, readProfiles } from '../../hardware/profiles/ProfileLibrary.ts';
import { ConfigError, loadConfig } from '../../server/config/loadConfig.ts';
import { ValidationError } from '../../server/validation/formatIssues.ts';
import { parsePatch } from '../../adapters/lights/patch/LightsPatch.ts';

const profiles = loadProfileLibrary();
const temp = mkdtempSync(path.join(os.tmpdir(), 'roomcast-lights-patch-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function configErrors(yaml: string): string[] {
  const file = path.join(temp, `roomcast-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  try {
    loadConfig({ file, env: {}, cwd: temp });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

/** Profiles are validated at load; a patch is refused with errors that name the path and both fixtures. */
describe('fixture profiles and patch validation', () => {
  it('ships the profiles the issue asks for, each validated: dimmer, RGB, RGBW, RGBA, 7-ch par, 8- and 16-bit moving heads', () => {
    expect(profiles.ids).toEqual(['dimmer', 'moving-head-11ch', 'moving-head-9ch', 'rgb', 'rgb-par-7ch', 'rgba', 'rgbw']);
    expect(profiles.get('rgb-par-7ch')).toMatchObject({ footprint: 7, virtualDimmer: false });
    expect(profiles.get('rgb').virtualDimmer).toBe(true);
    expect([...profiles.get('moving-head-11ch').attributes].sort()).toEqual(['blue', 'green', 'intensity', 'pan', 'red', 'strobe', 'tilt']);
  });

  it('a broken profile file is refused naming the file and the key path', () => {
    const dir = mkdtempSync(path.join(temp, 'profiles-'));
    writeFileSync(path.join(dir, 'wobble.json'), JSON.stringify({ id: 'wobble', name: 'Wobble', channels: [{ attribute: 'red' }, { attribute: 'colour' }, { fixed: 0, byte: 'fine' }] }));
    writeFileSync(path.join(dir, 'finepan.json'), JSON.stringify({ id: 'finepan', name: 'Fine pan only', channels: [{ attribute: 'tilt' }, { attribute: 'pan', byte: 'fine' }] }));
    writeFileSync(path.join(dir, 'misnamed.json'), JSON.stringify({ id: 'other', name: 'X', channels: [{ fixed: 0 }] }));
    writeFileSync(path.join(dir, 'broken.json'), '{ "id": ');
    let error: unknown;
    try {
      readProfiles([dir]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProfileError);
    const problems = (error as ProfileError).problems.join('\n');
    expect(problems).toMatch(/wobble\.json: channels\[1\]\.attribute: must be one of "intensity", "red"/);
    expect(problems).toMatch(/wobble\.json: channels\[2\]\.byte: only for attribute channels/);
    expect(problems).toMatch(/finepan\.json: channels\[1\]\.byte: a fine "pan" channel needs a coarse one/);
    expect(problems).toMatch(/misnamed\.json: id: "other" must match the file name \("misnamed"\)/);
    expect(problems).toMatch(/broken\.json: not valid JSON/);
  });

  it('overlapping fixtures: the error is on the later one and names both, with slots', () => {
    const patch = PatchSchema.parse([
      { id: 'left', profile: 'rgb-par-7ch', universe: 1, address: 1 },
      { id: 'right', profile: 'rgb-par-7ch', universe: 2, address: 5 },
      { id: 'centre', profile: 'rgbw', universe: 1, address: 5 },
    ]);
    expect(validatePatch(patch, profiles)).toEqual([
      { path: [2, 'address'], message: 'fixture "centre" (universe 1, slots 5-8) overlaps fixture "left" (fixtures[0], slots 1-7)' },
    ]);
  });

  it('out-of-range addresses, unknown profiles, duplicate ids and doubly-driven Hue lights', () => {
    const patch = PatchSchema.parse([
      { id: 'spot', profile: 'moving-head-11ch', universe: 3, address: 505 },
      { id: 'ghost', profile: 'fog-machine', universe: 1, address: 1 },
      { id: 'spot', profile: 'dimmer', universe: 1, address: 512 },
      { id: 'desk', kind: 'hue', bridge: 'office', light: 3 },
      { id: 'shelf', kind: 'hue', bridge: 'office', light: '3' },
    ]);
    const problems = validatePatch(patch, profiles, 'lights.fixtures');
    expect(problems).toEqual([
      { path: [2, 'id'], message: 'duplicate fixture id "spot" (already used by lights.fixtures[0])' },
      {
        path: [0, 'address'],
        message: 'fixture "spot" (moving-head-11ch, 11 channels) at address 505 runs past slot 512 of universe 3 (it would end at 515; the last valid address is 502)',
      },
      { path: [1, 'profile'], message: expect.stringMatching(/^fixture "ghost": unknown fixture profile "fog-machine" \(known: dimmer, moving-head-11ch, /) },
      { path: [4, 'light'], message: 'fixture "shelf" drives the same Hue light (bridge "office", light 3) as fixture "desk" (lights.fixtures[3])' },
    ]);
  });

  it('kind-specific keys: DMX fixtures need profile/universe/address, Hue ones bridge/light, and not the other kind\'s', () => {
    const result = PatchSchema.safeParse([{ id: 'a', kind: 'hue', bridge: 'b', address: 4 }, { id: 'b', profile: 'rgb', universe: 0, adress: 4 }]);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(paths).toContain('0.address: only for DMX fixtures (this one is kind: hue)');
    expect(paths).toContain('0.light: required key is missing (Hue fixtures need bridge, light)');
    expect(paths.some((p) => p.startsWith('1.universe'))).toBe(true);
    expect(result.error!.issues.some((i) => i.code === 'unrecognized_keys' && i.path[0] === 1)).toBe(true);
  });

  it('roomcast.yaml: patch problems are config errors with file:line, the path, and both fixtures', () => {
    const problems = configErrors(
      [
        'lights:',
        '  fixtures:',
        '    - { id: front-left, profile: rgb-par-7ch, universe: 1, address: 1 }',
        '    - { id: front-right, profile: rgb-par-7ch, universe: 1, address: 7, groups: [front] }',
        '    - { id: haze, profile: hazer, universe: 1, address: 100 }',
        '    - { id: bar, profile: rgba, universe: 1, address: 510 }',
        '    - { id: lamp, kind: hue, bridge: living, light: 2, adress: 1 }',
      ].join('\n'),
    );
    const file = /^(roomcast-[a-z0-9]+\.yaml)/.exec(problems[0] ?? '')?.[1];
    expect(file, problems.join('\n')).toBeDefined();
    expect(problems).toContain(`${file}:4:61: lights.fixtures[1].address: fixture "front-right" (universe 1, slots 7-13) overlaps fixture "front-left" (lights.fixtures[0], slots 1-7)`);
    expect(problems.some((p) => p.startsWith(`${file}:5:`) && p.includes('lights.fixtures[2].profile: fixture "haze": unknown fixture profile "hazer"'))).toBe(true);
    expect(problems.some((p) => p.startsWith(`${file}:6:`) && p.includes('lights.fixtures[3].address: fixture "bar" (rgba, 4 channels) at address 510 runs past slot 512'))).toBe(true);
    expect(problems.some((p) => p.includes('lights.fixtures[4].adress: unknown key (did you mean "address"?)'))).toBe(true);
  });

  it('a valid yaml patch loads, with Hue lights as fixtures and the flash-limit opt-out as an explicit reason', () => {
    const file = path.join(temp, 'valid.yaml');
    writeFileSync(
      file,
      [
        'lights:',
        '  fixtures:',
        '    - { id: par1, name: Left par, profile: rgb-par-7ch, universe: 1, address: 1, groups: [front] }',
        '    - { id: strobe, profile: dimmer, universe: 1, address: 8, flashLimitOptOut: "dedicated strobe, warned audience" }',
        '    - { id: desk, kind: hue, bridge: office, light: 4 }',
        '  baseLook: { all: { intensity: 0.2, colour: warm-white } }',
        '  scenes: { warm: { groups: { front: { colour: "#ffa040" } } } }',
      ].join('\n'),
    );
    const { config } = loadConfig({ file, env: {}, cwd: temp });
    const lights = config['lights'] as { fixtures: unknown[]; baseLook: unknown };
    expect(lights.fixtures).toEqual([
      { id: 'par1', name: 'Left par', kind: 'dmx', profile: 'rgb-par-7ch', universe: 1, address: 1, groups: ['front'] },
      { id: 'strobe', name: 'strobe', kind: 'dmx', profile: 'dimmer', universe: 1, address: 8, groups: [], flashLimitOptOut: 'dedicated strobe, warned audience' },
      { id: 'desk', name: 'desk', kind: 'hue', bridge: 'office', light: '4', colour: true, groups: [] },
    ]);
    expect(configErrors('lights:\n  fixtures:\n    - { id: s, profile: dimmer, universe: 1, address: 1, flashLimitOptOut: "" }\n')[0]).toMatch(
      /lights\.fixtures\[0\]\.flashLimitOptOut: give the reason for turning the flash limiter off/,
    );
  });

  it('patches sent over the API get the same checks, paths rooted at `fixtures`', () => {
    let error: unknown;
    try {
      parsePatch([{ id: 'a', profile: 'rgb', universe: 1, address: 1 }, { id: 'b', profile: 'rgb', universe: 1, address: 3 }], profiles);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { path: 'fixtures[1].address', rawPath: ['fixtures', 1, 'address'], message: 'fixture "b" (universe 1, slots 3-5) overlaps fixture "a" (fixtures[0], slots 1-3)' },
    ]);
  });
});
