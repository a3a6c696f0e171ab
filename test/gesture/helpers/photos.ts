import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import type { HandPose } from '../../../server/protocol/gestureEvents.ts';
import { PROJECT_ROOT, ROOMCAST_BIN } from '../../helpers/roomcastProcess.ts';

const require = createRequire(import.meta.url);
export const FINGERPOSE_ASSETS = path.join(path.dirname(require.resolve('fingerpose/package.json')), 'assets');

interface PhotoLabels {
  gif: { file: string; frames: number; labelMask: { left: number; top: number; width: number; height: number }; labels: Record<HandPose, number[]>; excluded: Record<string, string> };
  stills: Record<string, HandPose>;
}

export const PHOTO_LABELS = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/gesture/photoLabels.json'), 'utf8')) as PhotoLabels;

export interface LabelledPhoto {
  file: string;
  label: HandPose;
}

/** Decode GIF frame `page` to RGB with the demo's emoji guess painted over (see photoLabels.json). */
export async function maskedGifFrame(page: number): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(path.join(FINGERPOSE_ASSETS, PHOTO_LABELS.gif.file), { page }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const m = PHOTO_LABELS.gif.labelMask;
  const at = (x: number, y: number) => (y * info.width + x) * 3;
  const wall = at(m.left - 8, m.top + Math.floor(m.height / 2));
  for (let y = m.top; y < m.top + m.height; y++) {
    for (let x = m.left; x < Math.min(info.width, m.left + m.width); x++) data.copy(data, at(x, y), wall, wall + 3);
  }
  return { data, width: info.width, height: info.height };
}

/** Write every labelled fingerpose photo into `dir` (GIF frames as PNG); returns them with their labels. */
export async function writeLabelledPhotos(dir: string): Promise<LabelledPhoto[]> {
  const photos: LabelledPhoto[] = [];
  for (const [label, pages] of Object.entries(PHOTO_LABELS.gif.labels) as Array<[HandPose, number[]]>) {
    for (const page of pages) {
      const frame = await maskedGifFrame(page);
      const file = path.join(dir, `gif-${String(page).padStart(2, '0')}.png`);
      await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).png().toFile(file);
      photos.push({ file, label });
    }
  }
  for (const [name, label] of Object.entries(PHOTO_LABELS.stills)) {
    const file = path.join(dir, name);
    copyFileSync(path.join(FINGERPOSE_ASSETS, name), file);
    photos.push({ file, label });
  }
  return photos.sort((a, b) => a.file.localeCompare(b.file));
}

/** Pictures with no hand in them: blank, noise, a gradient, and a piece of the photos' bare wall. */
export async function writeHandlessImages(dir: string): Promise<string[]> {
  const width = 640;
  const height = 480;
  const files: string[] = [];
  const write = async (name: string, rgb: Buffer) => {
    const file = path.join(dir, name);
    await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toFile(file);
    files.push(file);
  };
  await write('blank.png', Buffer.alloc(width * height * 3, 255));
  let seed = 12345;
  const noise = Buffer.alloc(width * height * 3);
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    noise[i] = seed >>> 24;
  }
  await write('noise.png', noise);
  const gradient = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      gradient[o] = Math.round((x / width) * 255);
      gradient[o + 1] = Math.round((y / height) * 255);
      gradient[o + 2] = 128;
    }
  }
  await write('gradient.png', gradient);
  const wall = path.join(dir, 'wall.jpg');
  await sharp(path.join(FINGERPOSE_ASSETS, 'nocurl.jpg')).extract({ left: 0, top: 0, width: 480, height: 200 }).jpeg().toFile(wall);
  files.push(wall);
  return files;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `roomcast <args>` as a child process (the real CLI, no config needed for gesture commands). */
export function runCli(args: string[], options: { stdin?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ROOMCAST_BIN, ...args], { cwd: options.cwd ?? PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
