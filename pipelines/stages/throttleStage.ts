import { z } from 'zod';
import { defineStage } from '../Stage.ts';

/**
 * Caps how often things pass: video to `fps` (before an expensive stage), events to one per `minGapMs`
 * per event type (so a flapping detector cannot fire a rule 30 times a second).
 */
export const throttleStage = defineStage({
  type: 'throttle',
  description: 'Pass at most `fps` video frames per second and one event per type every `minGapMs`',
  optionsSchema: z.strictObject({
    fps: z.number().positive().max(240).default(15),
    minGapMs: z.number().int().min(0).default(1_000),
  }),
  inputs: ['video', 'event'],
  outputs: ['video', 'event'],
  create(options) {
    const frameGapMs = 1000 / options.fps;
    let lastVideoAt = -Infinity;
    const lastEventAt = new Map<string, number>();
    return {
      async process(frame, emit) {
        if (frame.kind === 'video') {
          // Capture time, not arrival time: a burst after a stall does not count as fresh frames.
          if (frame.captureTs - lastVideoAt < frameGapMs * 0.9) return;
          lastVideoAt = frame.captureTs;
          await emit(frame);
          return;
        }
        const last = lastEventAt.get(frame.type) ?? -Infinity;
        if (frame.captureTs - last < options.minGapMs) return;
        lastEventAt.set(frame.type, frame.captureTs);
        await emit(frame);
      },
    };
  },
});
