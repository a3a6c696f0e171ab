import { z } from 'zod';
import type { ActionTrigger } from '../../server/actions/Action.ts';
import type { OverlayService } from '../../server/overlay-state/OverlayService.ts';
import { FireRequestSchema, type LightsEngine } from './engine/LightsEngine.ts';
import type { FiringInfo } from './engine/Firing.ts';

/** Show an `effect` alert on the room's overlay when the effect fires. */
export const AnnounceSchema = z.strictObject({
  title: z.string().min(1).max(200),
  message: z.string().max(1000).optional(),
  durationMs: z.number().int().min(500).max(60_000).default(4_000),
});

/** `POST /api/lights/fire` and the socket's `lights:fire`: a FireRequest plus what an API caller adds. */
export const FireCommandSchema = FireRequestSchema.extend({
  /** Facts for effects that read the trigger (event-colour): `{ amount: 25 }`. */
  data: z.record(z.string(), z.unknown()).optional(),
  /** Room whose overlay shows `announce` (required with it). */
  room: z.string().min(1).max(64).optional(),
  announce: AnnounceSchema.optional(),
}).refine((c) => !c.announce || c.room, { path: ['room'], message: 'required with announce (which room\'s overlay shows it)' });
export type FireCommand = z.output<typeof FireCommandSchema>;

/** Fire, then announce on the overlay. Errors (unknown effect, fixture, room) surface before anything lights up. */
export function runFire(
  engine: LightsEngine,
  overlay: OverlayService,
  command: Omit<FireCommand, 'data'> & { announce?: z.output<typeof AnnounceSchema> | undefined },
  trigger: ActionTrigger,
): FiringInfo {
  const { announce, room, ...request } = command;
  const announceIn = room ?? trigger.room;
  if (announce) overlay.assertRoom(announceIn);
  const firing = engine.fire(request, trigger);
  if (announce) overlay.showAlert(announceIn, { kind: 'effect', title: announce.title, message: announce.message, durationMs: announce.durationMs });
  return firing;
}
