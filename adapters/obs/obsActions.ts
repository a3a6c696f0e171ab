import { z } from 'zod';
import { defineActionType, type ActionType } from '../../server/actions/Action.ts';
import type { ObsController } from './ObsController.ts';
import {
  OBS_COMMANDS,
  ObsCommandSchema,
  ObsFilterParams,
  ObsMediaRestartParams,
  ObsSceneParams,
  ObsTextParams,
  ObsVisibilityParams,
  type ObsCommand,
  type ObsCommandType,
} from './obsCommands.ts';

/** The most commands one `obs.batch` may carry (OBS runs a batch on one thread; keep it short). */
export const OBS_BATCH_LIMIT = 100;

/**
 * OBS action types for rules and effects: `obs.scene`, `obs.source.visibility`, `obs.text`,
 * `obs.filter`, `obs.media.restart`, and `obs.batch` (several of them as one RequestBatch).
 */
export function obsActions(obs: ObsController): ActionType[] {
  const command = <K extends ObsCommandType, S extends z.ZodType>(type: K, paramsSchema: S): ActionType =>
    defineActionType({
      type,
      description: OBS_COMMANDS[type].description,
      paramsSchema,
      run: (params) => obs.run({ type, ...(params as object) } as ObsCommand),
    }) as unknown as ActionType;
  return [
    command('obs.scene', ObsSceneParams),
    command('obs.source.visibility', ObsVisibilityParams),
    command('obs.text', ObsTextParams),
    command('obs.filter', ObsFilterParams),
    command('obs.media.restart', ObsMediaRestartParams),
    defineActionType({
      type: 'obs.batch',
      description: 'Several OBS actions sent together (one request batch per round)',
      paramsSchema: z.strictObject({ actions: z.array(ObsCommandSchema).min(1).max(OBS_BATCH_LIMIT) }),
      run: ({ actions }) => obs.runTogether(actions),
    }) as unknown as ActionType,
  ];
}
