import { z } from 'zod';
import type { OverlayService } from '../overlay-state/OverlayService.ts';
import { AlertInputSchema } from '../overlay-state/OverlayService.ts';
import { defineActionType, type ActionType } from './Action.ts';

/** Built-in actions that drive overlays; the room comes from the trigger unless given. */
export function overlayActions(overlay: OverlayService): ActionType[] {
  return [
    defineActionType({
      type: 'overlay.alert',
      description: 'Show an alert animation on the room overlay',
      paramsSchema: AlertInputSchema.extend({ room: z.string().optional() }),
      run: ({ room, ...alert }, trigger) => void overlay.showAlert(room ?? trigger.room, alert),
    }),
    defineActionType({
      type: 'overlay.banner',
      description: 'Set or clear the overlay banner text',
      paramsSchema: z.strictObject({ text: z.string().max(500).nullable(), room: z.string().optional() }),
      run: async ({ room, text }, trigger) => void (await overlay.setBanner(room ?? trigger.room, text)),
    }),
  ];
}
