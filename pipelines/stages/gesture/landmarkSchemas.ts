import { z } from 'zod';
import type { BrowserLandmarks, HandLandmarks, Landmark } from '../../../server/protocol/gestureEvents.ts';
import { LANDMARK_COUNT } from './handGeometry.ts';

/** Landmarks of a hand partly out of the picture fall a little outside 0..1; far outside is garbage. */
const coordinate = z.number().finite().min(-1).max(2);

export const LandmarkSchema = z
  .union([z.tuple([coordinate, coordinate, z.number().finite()]), z.tuple([coordinate, coordinate])])
  .transform((l): Landmark => [l[0], l[1], l[2] ?? 0]);

export const HandLandmarksSchema = z
  .array(LandmarkSchema)
  .length(LANDMARK_COUNT, `must hold exactly ${LANDMARK_COUNT} [x, y, z] landmarks in MediaPipe order`)
  .transform((l): HandLandmarks => l);

export const HandednessSchema = z.enum(['Left', 'Right']);

/**
 * `roomcast gesture classify <file.json>`: `{"landmarks": [[x,y,z] x21], "handedness": "Left"}`. Other
 * keys (a label, a note) are ignored so annotated test files classify as they are.
 */
export const LandmarkFileSchema = z.object({
  landmarks: HandLandmarksSchema,
  handedness: HandednessSchema.optional(),
});

export const ObservedHandSchema = z.strictObject({
  landmarks: HandLandmarksSchema,
  handedness: HandednessSchema,
  handednessScore: z.number().min(0).max(1),
  score: z.number().min(0).max(1),
});

/** What a capture page in browser mode sends per processed frame (`gesture:landmarks`). */
export const BrowserLandmarksSchema = z.strictObject({
  room: z.string().min(1).max(64),
  label: z.string().min(1).max(64),
  captureTs: z.number().finite().positive(),
  width: z.number().int().min(1).max(8192),
  height: z.number().int().min(1).max(8192),
  inferenceMs: z.number().min(0).max(60_000),
  hands: z.array(ObservedHandSchema).max(4),
}) satisfies z.ZodType<BrowserLandmarks, unknown>;
