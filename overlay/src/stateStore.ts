import type { OverlayState } from '../../server/protocol/overlayEvents.ts';

/**
 * Which OverlayState is on screen. A sync answer is authoritative (it replaces everything, even with a
 * lower revision: the server may have been reset); a pushed state older than the one shown is ignored.
 * Pushes that race a sync on a fresh connection are kept and win if they are newer than the answer.
 */
export class OverlayStateStore {
  #current: OverlayState | null = null;
  #syncing = false;
  #racingPush: OverlayState | null = null;

  constructor(readonly room: string) {}

  get current(): OverlayState | null {
    return this.#current;
  }

  /** A new connection asked for a sync. */
  beginSync(): void {
    this.#syncing = true;
    this.#racingPush = null;
  }

  /** The sync answer; returns what to render. */
  applySync(state: OverlayState): OverlayState {
    const push = this.#racingPush;
    const winner = push !== null && push.revision > state.revision ? push : state;
    this.#syncing = false;
    this.#racingPush = null;
    this.#current = winner;
    return winner;
  }

  /** A pushed `overlay:state`; returns it if it should be rendered, else null. */
  applyPush(state: OverlayState): OverlayState | null {
    if (state.room !== this.room) return null;
    if (this.#syncing && (this.#racingPush === null || state.revision > this.#racingPush.revision)) {
      this.#racingPush = state;
    }
    if (this.#current !== null && state.revision < this.#current.revision) return null;
    this.#current = state;
    return state;
  }
}
