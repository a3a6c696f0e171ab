import { z } from 'zod';
import { GESTURE_LABELS, isSwipe } from '../protocol/gestureEvents.ts';

const roomId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be a room id (1-64 letters, digits, "-" or "_")');

/**
 * One rule: "gesture X (which hand, held how long, how often) -> actions". Actions are ActionSpecs
 * (`{ type: overlay.alert, title: Hi }`, `{ type: effect.fire, ... }`, `{ type: obs.scene, ... }`),
 * checked against the registered action types when the feature starts.
 */
export const GestureRuleSchema = z
  .strictObject({
    gesture: z.enum(GESTURE_LABELS),
    /** Which hand, as MediaPipe names it (it assumes a mirrored, selfie-style picture). */
    hand: z.enum(['any', 'Left', 'Right']).default('any'),
    /** Held at least this long, counted from the first frame showing it (0: fire on gesture_start). */
    minHoldMs: z.number().int().min(0).max(60_000).default(0),
    /** After firing, this rule stays quiet this long (per room). */
    cooldownMs: z.number().int().min(0).max(3_600_000).default(2_000),
    /** Only gestures seen in this room's sources (default: any room). */
    room: roomId.optional(),
    actions: z.array(z.unknown()).min(1, 'a rule needs at least one action'),
  })
  .superRefine((rule, ctx) => {
    if (isSwipe(rule.gesture) && rule.minHoldMs > 0) {
      ctx.addIssue({ code: 'custom', path: ['minHoldMs'], message: `${rule.gesture} is a moment, not a held pose: minHoldMs must be 0` });
    }
  });

export type GestureRule = z.output<typeof GestureRuleSchema>;

export const GestureRulesSchema = z.array(GestureRuleSchema).max(200);

export const GesturesConfigSchema = z.strictObject({
  rules: GestureRulesSchema.default([]),
  /** The Gestures page's live picture: JPEG snapshots of the watched source. */
  snapshots: z
    .strictObject({
      /** Upper bound per source; a watcher may ask for fewer. */
      maxFps: z.number().min(0.5).max(15).default(5),
      /** Scaled down to this width (never up). */
      width: z.number().int().min(80).max(1920).default(480),
      quality: z.number().int().min(20).max(95).default(70),
    })
    .prefault({}),
  /** A gesture event older than this when a rule sees it (replayed after a restart) fires nothing. */
  maxEventAgeMs: z.number().int().min(100).max(600_000).default(5_000),
});

export type GesturesConfig = z.output<typeof GesturesConfigSchema>;
