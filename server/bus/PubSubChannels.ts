/**
 * Ephemeral fan-out between server processes (Redis pub/sub): fire-and-forget, no history, no acks.
 * Use it for live signals that are worthless once stale; use the EventBus for anything that must not be
 * lost. Features augment this interface like BusEvents.
 */
export interface PubSubChannels {
  /** A token was revoked: every process disconnects the sockets that authenticated with it. */
  'auth.token_revoked': { tokenId: string };
}

export type PubSubChannel = keyof PubSubChannels & string;
