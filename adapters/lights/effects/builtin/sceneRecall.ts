import { z } from 'zod';
import { lookCovers, resolveLook } from '../../looks.ts';
import type { AttributeLevels } from '../../attributes.ts';
import { defineEffect } from '../Effect.ts';
import { msParam } from './params.ts';

/**
 * Recall a named scene from `lights.scenes` (a look: all / groups / fixtures). Runs until stopped or
 * replaced: scenes share the layer "scene", so recalling one releases the previous one (cross-fade).
 */
export const sceneRecallEffect = defineEffect({
  id: 'scene',
  description: 'Recall a named scene from config (cross-fades from the previous one)',
  defaultDurationMs: null,
  defaultPriority: 10,
  defaultLayer: 'scene',
  paramsSchema: z.strictObject({
    scene: z.string().min(1).max(64),
    fadeMs: msParam(1_000, 0, 600_000),
  }),
  envelope: ({ fadeMs }) => ({ fadeInMs: fadeMs, fadeOutMs: fadeMs }),
  start: ({ scene }, ctx) => {
    const look = ctx.scene(scene);
    const levels = new Map<string, AttributeLevels>();
    for (const fixture of ctx.fixtures) if (lookCovers(look, fixture)) levels.set(fixture.id, resolveLook(look, fixture));
    return (_time, fixture) => levels.get(fixture.id);
  },
});
