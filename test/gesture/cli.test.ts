import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GESTURE_LABELS } from '../../server/protocol/gestureEvents.ts';
import { FINGERPOSE_ASSETS, runCli, writeHandlessImages } from './helpers/photos.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/gesture/landmarks');
const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-gesture-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CLASSIFY_LINE = /^\{"label":("[a-z_]+"|null),"confidence":\d+(\.\d+)?\}\n$/;

describe('roomcast gesture classify <file.json>', () => {
  it('prints exactly {"label","confidence"} for each ground-truth set, label as in the file', async () => {
    for (const file of readdirSync(FIXTURES)) {
      const expected = (JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as { gesture: string }).gesture;
      const result = await runCli(['gesture', 'classify', path.join(FIXTURES, file)]);
      expect({ file, code: result.code, stderr: result.stderr }).toEqual({ file, code: 0, stderr: '' });
      expect(result.stdout).toMatch(CLASSIFY_LINE);
      const parsed = JSON.parse(result.stdout) as { label: string; confidence: number };
      expect(Object.keys(parsed)).toEqual(['label', 'confidence']);
      expect(parsed.label).toBe(expected);
      expect(GESTURE_LABELS).toContain(parsed.label);
    }
  });

  it('reads the minimal form from stdin ("-"), [x, y, z] per landmark and a handedness', async () => {
    const { landmarks } = JSON.parse(readFileSync(path.join(FIXTURES, 'victory.json'), 'utf8')) as { landmarks: number[][] };
    const result = await runCli(['gesture', 'classify', '-'], { stdin: JSON.stringify({ landmarks, handedness: 'Left' }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"label":"victory","confidence":1}\n');
  });

  it('rejects bad input naming the path of each problem (exit 1), and an unreadable file (exit 2)', async () => {
    const { landmarks } = JSON.parse(readFileSync(path.join(FIXTURES, 'fist.json'), 'utf8')) as { landmarks: unknown[][] };
    const cases: Array<[string, unknown, RegExp]> = [
      ['short.json', { landmarks: landmarks.slice(0, 20) }, /landmarks: must hold exactly 21 \[x, y, z\] landmarks/],
      ['nan.json', { landmarks: landmarks.map((l, i) => (i === 3 ? ['a', 0.5, 0] : l)) }, /landmarks\[3\]/],
      ['hand.json', { landmarks, handedness: 'left' }, /handedness: must be one of "Left", "Right"/],
      ['none.json', { points: [] }, /landmarks: required key is missing/],
    ];
    for (const [name, body, message] of cases) {
      const file = path.join(dir, name);
      writeFileSync(file, JSON.stringify(body));
      const result = await runCli(['gesture', 'classify', file]);
      expect({ name, code: result.code, stdout: result.stdout }).toEqual({ name, code: 1, stdout: '' });
      expect(result.stderr).toMatch(message);
    }
    writeFileSync(path.join(dir, 'broken.json'), '{"landmarks": [');
    expect(await runCli(['gesture', 'classify', path.join(dir, 'broken.json')])).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/is not JSON/) });
    expect(await runCli(['gesture', 'classify', path.join(dir, 'missing.json')])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/cannot read/) });
  });
});

describe('roomcast gesture detect <image...>', () => {
  it('prints one line per image: {"file","label","confidence","handedness","landmarks"}; no hand: label null, landmarks []', { timeout: 60_000 }, async () => {
    const [blank] = await writeHandlessImages(dir);
    const photo = path.join(FINGERPOSE_ASSETS, 'fullcurl.jpg');
    const result = await runCli(['gesture', 'detect', photo, blank!]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const found = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(found)).toEqual(['file', 'label', 'confidence', 'handedness', 'landmarks']);
    expect(found).toMatchObject({ file: photo, label: 'fist' });
    expect(found['confidence']).toBeGreaterThan(0.7);
    expect(['Left', 'Right']).toContain(found['handedness']);
    const landmarks = found['landmarks'] as number[][];
    expect(landmarks).toHaveLength(21);
    for (const point of landmarks) {
      expect(point).toHaveLength(3);
      for (const v of point) expect(Number.isFinite(v)).toBe(true);
      // x, y inside the picture (normalized)
      expect(point[0]).toBeGreaterThanOrEqual(0);
      expect(point[0]).toBeLessThanOrEqual(1);
      expect(point[1]).toBeGreaterThanOrEqual(0);
      expect(point[1]).toBeLessThanOrEqual(1);
    }
    // The wrist (landmark 0) is the origin of z, as in MediaPipe.
    expect(landmarks[0]![2]).toBe(0);
    expect(lines[1]).toBe(JSON.stringify({ file: blank, label: null, confidence: 0, handedness: null, landmarks: [] }));
  });

  it('reports an unreadable image on stderr, still prints the others, and exits 1', { timeout: 60_000 }, async () => {
    const notAnImage = path.join(dir, 'notes.txt');
    writeFileSync(notAnImage, 'not a picture');
    const [blank] = await writeHandlessImages(dir);
    const result = await runCli(['gesture', 'detect', notAnImage, blank!]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${notAnImage.replace(/[.]/g, '\\.')}: cannot decode image`));
    expect(result.stdout).toBe(`${JSON.stringify({ file: blank, label: null, confidence: 0, handedness: null, landmarks: [] })}\n`);
  });
});
