import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DetectLine } from '../../server/cli/gestureCommand.ts';
import { runCli, writeHandlessImages, writeLabelledPhotos } from './helpers/photos.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-gesture-photos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parseLines = (stdout: string): DetectLine[] => stdout.trim().split('\n').map((line) => JSON.parse(line) as DetectLine);

describe('real photos through `roomcast gesture detect` (Human WASM models, then the classifier)', () => {
  it('labels at least 90% of the labelled fingerpose photos right', { timeout: 180_000 }, async () => {
    const photos = await writeLabelledPhotos(dir);
    expect(photos.length).toBe(40);
    const result = await runCli(['gesture', 'detect', ...photos.map((p) => p.file)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = parseLines(result.stdout);
    expect(lines.map((l) => l.file)).toEqual(photos.map((p) => p.file));
    const wrong = photos.filter((photo, i) => lines[i]!.label !== photo.label).map((photo, i) => `${path.basename(photo.file)}: ${photo.label} read as ${lines[i]!.label}`);
    const right = photos.length - wrong.length;
    // Kept in the test output: which photos the classifier gets wrong, when it does.
    console.info(`gesture photos: ${right}/${photos.length} right${wrong.length ? `; wrong: ${wrong.join(', ')}` : ''}`);
    expect(right / photos.length).toBeGreaterThanOrEqual(0.9);
    for (const line of lines) {
      expect(line.handedness === 'Left' || line.handedness === 'Right').toBe(true);
      expect(line.landmarks).toHaveLength(21);
    }
  });

  it('finds no hand in pictures without one (blank, noise, a gradient, bare wall)', { timeout: 120_000 }, async () => {
    const files = await writeHandlessImages(dir);
    const result = await runCli(['gesture', 'detect', ...files]);
    expect(result.code).toBe(0);
    expect(parseLines(result.stdout)).toEqual(files.map((file) => ({ file, label: null, confidence: 0, handedness: null, landmarks: [] })));
  });
});
