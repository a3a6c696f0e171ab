import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { classifyHandPose } from '../../pipelines/stages/gesture/classifyHandPose.ts';
import { LandmarkFileSchema } from '../../pipelines/stages/gesture/landmarkSchemas.ts';
import type { GestureLabel, Handedness, HandLandmarks } from '../protocol/gestureEvents.ts';
import { formatZodError } from '../validation/formatIssues.ts';

/** One line of `roomcast gesture detect`. */
export interface DetectLine {
  file: string;
  /** Null when no hand was found, or when the hand matches no gesture clearly. */
  label: GestureLabel | null;
  confidence: number;
  /** Null when no hand was found. */
  handedness: Handedness | null;
  /** 21 [x, y, z] (normalized; z relative to the wrist), or [] when no hand was found. */
  landmarks: HandLandmarks;
}

/**
 * Close-ups are common in still photos and the detector misses hands that fill the picture: stills are
 * searched as they are, then shrunk into a larger grey frame.
 */
const STILL_SEARCH_SCALES = [1, 0.75, 0.5, 0.35];

async function detectCommand(files: string[]): Promise<number> {
  // Loaded here, not at the top: sharp and the worker are only for this command, not every CLI start.
  const { decodeImage } = await import('../../pipelines/stages/gesture/decodeImage.ts');
  const { HandDetector } = await import('../../pipelines/stages/gesture/HandDetector.ts');
  const detector = await HandDetector.start({ searchScales: STILL_SEARCH_SCALES, maxHands: 1 });
  let failures = 0;
  try {
    for (const file of files) {
      let image;
      try {
        image = await decodeImage(file);
      } catch (err) {
        failures++;
        process.stderr.write(`roomcast gesture detect: ${file}: cannot decode image: ${(err as Error).message}\n`);
        continue;
      }
      const { hands } = await detector.detect(image, 'still');
      const hand = hands.sort((a, b) => b.score - a.score)[0];
      let line: DetectLine;
      if (!hand) {
        line = { file, label: null, confidence: 0, handedness: null, landmarks: [] };
      } else {
        const pose = classifyHandPose(hand.landmarks, { aspect: image.width / image.height });
        line = { file, label: pose.label, confidence: pose.confidence, handedness: hand.handedness, landmarks: hand.landmarks };
      }
      process.stdout.write(`${JSON.stringify(line)}\n`);
    }
  } finally {
    await detector.close();
  }
  return failures ? 1 : 0;
}

async function classifyCommand(file: string, aspect: number): Promise<number> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    process.stderr.write(`roomcast gesture classify: cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    process.stderr.write(`roomcast gesture classify: ${file} is not JSON: ${(err as Error).message}\n`);
    return 1;
  }
  const parsed = LandmarkFileSchema.safeParse(json);
  if (!parsed.success) {
    process.stderr.write(`roomcast gesture classify: ${file}:\n${formatZodError(parsed.error, LandmarkFileSchema).replace(/^/gm, '  ')}\n`);
    return 1;
  }
  const pose = classifyHandPose(parsed.data.landmarks, { aspect });
  process.stdout.write(`${JSON.stringify({ label: pose.label, confidence: pose.confidence })}\n`);
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `roomcast gesture detect|classify`: run the gesture stage's detector and classifier on files. */
export function registerGestureCommand(program: Command): void {
  const gesture = program.command('gesture').description('hand gestures: find hands in images, classify landmarks');
  gesture
    .command('detect <image...>')
    .description('find a hand in each image; prints one JSON line per image: {"file","label","confidence","handedness","landmarks"} (label null when no hand or no clear gesture)')
    .action(async (images: string[]) => {
      process.exitCode = await detectCommand(images);
    });
  gesture
    .command('classify <file>')
    .description('classify 21 MediaPipe-order normalized landmarks ({"landmarks":[[x,y,z],...],"handedness":"Left"}; "-" reads stdin); prints {"label","confidence"}')
    .addOption(new Option('--aspect <ratio>', 'image width / height the landmarks were normalized with').default(1).argParser(parseAspect))
    .action(async (file: string, options: { aspect: number }) => {
      process.exitCode = await classifyCommand(file, options.aspect);
    });
}

function parseAspect(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number (width / height)');
  return n;
}
