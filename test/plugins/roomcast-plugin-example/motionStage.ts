import { defineStage, z, type EventFrame, type VideoFrame } from 'roomcast/sdk';

export interface MotionStartPayload {
  /** Share of sampled points that changed, 0..1. */
  area: number;
  /** Capture -> event, measured when the event is emitted. */
  latencyMs: number;
}

export interface MotionEndPayload {
  durationMs: number;
  peakArea: number;
}

/** Luma (BT.601, integer) of every `step`-th pixel on every `step`-th row. */
function sampleLuma(frame: VideoFrame, step: number, into: Uint8Array | undefined): Uint8Array {
  const cols = Math.ceil(frame.width / step);
  const rows = Math.ceil(frame.height / step);
  const out = into && into.length === cols * rows ? into : new Uint8Array(cols * rows);
  const { data, width } = frame;
  let i = 0;
  for (let y = 0; y < frame.height; y += step) {
    for (let x = 0; x < width; x += step) {
      const p = (y * width + x) * 3;
      out[i++] = (data[p]! * 77 + data[p + 1]! * 150 + data[p + 2]! * 29) >> 8;
    }
  }
  return out;
}

/**
 * Motion detection by frame differencing on a sparse grid: `motion_start` once enough of the picture
 * changed for `minFrames` frames in a row, `motion_end` after `quietMs` of stillness. Cheap enough to
 * run on the event loop (80x60 samples at 640x480, step 8).
 */
export const motionStage = defineStage({
  type: 'example.motion',
  description: 'Detect motion in video: emits motion_start / motion_end events',
  optionsSchema: z.strictObject({
    /** Sample every n-th pixel of every n-th row. */
    step: z.number().int().min(1).max(64).default(8),
    /** A sample "changed" when its luma moved by more than this (0-255). */
    pixelThreshold: z.number().int().min(1).max(255).default(24),
    /** Share of samples that must change for a frame to count as motion. */
    minArea: z.number().min(0).max(1).default(0.01),
    /** Consecutive motion frames before motion_start (filters single-frame noise). */
    minFrames: z.number().int().min(1).max(100).default(2),
    /** Stillness before motion_end. */
    quietMs: z.number().int().min(0).max(60_000).default(1_000),
  }),
  inputs: ['video'],
  outputs: ['event'],
  deadlineMs: 10,
  create(options) {
    let previous: Uint8Array | undefined;
    let spare: Uint8Array | undefined;
    let streak = 0;
    let active: { since: number; lastMotionAt: number; peak: number } | undefined;
    let seq = 0;
    return {
      async process(frame, emit) {
        const current = sampleLuma(frame, options.step, spare);
        if (!previous || previous.length !== current.length) {
          spare = previous;
          previous = current;
          return;
        }
        let changed = 0;
        for (let i = 0; i < current.length; i++) if (Math.abs(current[i]! - previous[i]!) > options.pixelThreshold) changed++;
        spare = previous;
        previous = current;
        const area = changed / current.length;
        const moving = area >= options.minArea && changed > 0;
        const base = { kind: 'event' as const, sourceId: frame.sourceId, seq: seq++, captureTs: frame.captureTs };

        if (moving) {
          streak++;
          if (active) {
            active.lastMotionAt = frame.captureTs;
            active.peak = Math.max(active.peak, area);
          } else if (streak >= options.minFrames) {
            active = { since: frame.captureTs, lastMotionAt: frame.captureTs, peak: area };
            const event: EventFrame<'motion_start', MotionStartPayload> = {
              ...base,
              type: 'motion_start',
              payload: { area: Math.round(area * 1000) / 1000, latencyMs: Date.now() - frame.captureTs },
            };
            await emit(event);
          }
          return;
        }
        streak = 0;
        if (active && frame.captureTs - active.lastMotionAt >= options.quietMs) {
          const event: EventFrame<'motion_end', MotionEndPayload> = {
            ...base,
            type: 'motion_end',
            payload: { durationMs: active.lastMotionAt - active.since, peakArea: Math.round(active.peak * 1000) / 1000 },
          };
          active = undefined;
          await emit(event);
        }
      },
    };
  },
});
