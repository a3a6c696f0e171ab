import { z } from 'zod';
import { defineActionType, type ActionType } from '../../server/actions/Action.ts';
import type { OverlayService } from '../../server/overlay-state/OverlayService.ts';
import { RequestError } from '../../server/errors.ts';
import { FireRequestSchema, StopRequestSchema, type LightsEngine } from './engine/LightsEngine.ts';
import { AnnounceSchema, runFire } from './FireCommand.ts';

/**
 * `effect.fire` and `effect.stop` for rules (gestures, chat, donations). The effect and its params are
 * checked when the rule is loaded, with paths like `gestures.rules[2].actions[0].params.rateHz`; the
 * trigger's data reaches effects that use it (event-colour picks a donation tier's colour).
 */
export function effectActions(engine: LightsEngine, overlay: OverlayService): ActionType[] {
  const fireSchema = FireRequestSchema.extend({
    announce: AnnounceSchema.optional(),
    /** Overlay room for `announce`; default: the trigger's room. */
    room: z.string().min(1).max(64).optional(),
  }).superRefine((spec, ctx) => {
    const effect = engine.effects.find(spec.effect);
    if (!effect) {
      ctx.addIssue({ code: 'custom', path: ['effect'], message: `unknown effect "${spec.effect}" (known: ${engine.effects.ids.join(', ')})` });
      return;
    }
    const result = (effect.paramsSchema as z.ZodType).safeParse(spec.params ?? {});
    if (!result.success) {
      for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: ['params', ...issue.path] } as never);
    }
  });

  return [
    defineActionType({
      type: 'effect.fire',
      description: 'Fire a light effect (params checked against the effect)',
      paramsSchema: fireSchema,
      run: (spec, trigger) => {
        runFire(engine, overlay, spec, trigger);
      },
    }),
    defineActionType({
      type: 'effect.stop',
      description: 'Stop light effects by firing id, layer, effect or all',
      paramsSchema: StopRequestSchema,
      run: (spec) => {
        try {
          engine.stop(spec);
        } catch (err) {
          // A rule stopping a firing that already ended is not a failure.
          if (!(err instanceof RequestError && err.status === 404)) throw err;
        }
      },
    }),
  ];
}
