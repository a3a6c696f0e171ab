import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventFrame, Frame } from '../../pipelines/frames.ts';
import { gestureStage, GestureStageOptionsSchema } from '../../pipelines/stages/gesture/gestureStage.ts';
import type { BrowserLandmarks, GestureEvent, HandLandmarks } from '../../server/protocol/gestureEvents.ts';
import { createLogger } from '../../server/log/logger.ts';
import { formatZodError } from '../../server/validation/formatIssues.ts';

const fist = (JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/gesture/landmarks/fist.json'), 'utf8')) as { landmarks: HandLandmarks }).landmarks;

const ctx = { id: 'hands', pipelineId: 'p', room: undefined, logger: createLogger({ level: 'silent' }), dataDir: '/tmp', signal: new AbortController().signal };

function landmarksFrame(seq: number, payload: unknown): EventFrame {
  return { kind: 'event', sourceId: 'landmark-source', seq, captureTs: 1_000 + seq * 50, type: 'hand_landmarks', payload };
}

describe('the gesture stage on its own (the Stage contract)', () => {
  it('browser mode: classifies hand_landmarks event frames, passes other events through, drops bad ones', async () => {
    const options = GestureStageOptionsSchema.parse({ mode: 'browser', minHoldFrames: 3, minHoldMs: 0 });
    const stage = await gestureStage.create(options, ctx);
    const out: Frame[] = [];
    const emit = async (frame: Frame) => void out.push(frame);
    try {
      const other: EventFrame = { kind: 'event', sourceId: 'x', seq: 0, captureTs: 1, type: 'motion_start', payload: { area: 3 } };
      await stage.process(other, emit);
      expect(out).toEqual([other]);
      expect(out[0]).toBe(other);

      await stage.process(landmarksFrame(1, { hands: 'nope' }), emit);
      for (let seq = 2; seq < 6; seq++) {
        const payload: BrowserLandmarks = { room: 'demo', label: 'desk-cam', captureTs: 1_000 + seq * 50, width: 640, height: 480, inferenceMs: 20, hands: [{ landmarks: fist, handedness: 'Left', handednessScore: 0.9, score: 0.9 }] };
        await stage.process(landmarksFrame(seq, payload), emit);
      }
      const gestures = out.slice(1) as Array<EventFrame<string, GestureEvent>>;
      expect(gestures.map((f) => `${f.type} ${f.payload.label} ${f.sourceId}`)).toEqual(['gesture_start fist room:demo/desk-cam']);
      expect(gestures[0]!.payload).toMatchObject({ source: 'room:demo/desk-cam', room: 'demo', hand: 'Left', startedAt: 1_100, decidedAt: 1_200 });
      expect(gestures[0]!.captureTs).toBe(1_200);
    } finally {
      await stage.close?.();
    }
  });

  it('options: strict, defaulted, room and label only together and only in browser mode', () => {
    expect(GestureStageOptionsSchema.parse({})).toMatchObject({ mode: 'server', maxHands: 1, minHandConfidence: 0.6, minHoldFrames: 3, minHoldMs: 120, swipes: { enabled: true } });
    const problems = (input: unknown) => {
      const result = GestureStageOptionsSchema.safeParse(input);
      return result.success ? '' : formatZodError(result.error, GestureStageOptionsSchema);
    };
    expect(problems({ minHoldMS: 100 })).toMatch(/minHoldMS: unknown key \(did you mean "minHoldMs"\?\)/);
    expect(problems({ mode: 'browser', room: 'demo' })).toMatch(/label: room and label go together/);
    expect(problems({ room: 'demo', label: 'cam' })).toMatch(/room: room and label are for mode: browser/);
    expect(problems({ swipes: { minDistance: 0 } })).toMatch(/swipes\.minDistance/);
  });
});
