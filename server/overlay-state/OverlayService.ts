import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { OverlayAlert, OverlayState } from '../protocol/overlayEvents.ts';
import { NotFoundError } from '../errors.ts';
import type { OverlayStateStore } from './OverlayStateStore.ts';

export const BannerInputSchema = z.strictObject({
  text: z.string().max(500).nullable(),
});

export const AlertInputSchema = z.strictObject({
  kind: z.string().regex(/^[a-z0-9_.-]{1,40}$/i, 'must be 1-40 letters, digits, "_", "." or "-"').default('info'),
  title: z.string().min(1).max(200),
  message: z.string().max(1000).optional(),
  durationMs: z.number().int().min(500).max(60_000).default(5_000),
});
export type AlertInput = z.input<typeof AlertInputSchema>;

export interface OverlayServiceEvents {
  state: [state: OverlayState];
  alert: [alert: OverlayAlert];
}

/** Overlay state and alerts per room; the socket layer turns its events into socket.io broadcasts. */
export class OverlayService extends EventEmitter<OverlayServiceEvents> {
  private readonly rooms: ReadonlySet<string>;

  constructor(
    private readonly store: OverlayStateStore,
    roomIds: readonly string[],
  ) {
    super();
    this.rooms = new Set(roomIds);
  }

  assertRoom(room: string): void {
    if (!this.rooms.has(room)) throw new NotFoundError('room', room, [...this.rooms]);
  }

  async getState(room: string): Promise<OverlayState> {
    this.assertRoom(room);
    return this.store.get(room);
  }

  async setBanner(room: string, text: string | null): Promise<OverlayState> {
    this.assertRoom(room);
    const state = await this.store.setBanner(room, text);
    this.emit('state', state);
    return state;
  }

  showAlert(room: string, input: z.output<typeof AlertInputSchema>): OverlayAlert {
    this.assertRoom(room);
    const alert: OverlayAlert = { id: randomUUID(), room, at: Date.now(), ...input };
    this.emit('alert', alert);
    return alert;
  }
}
