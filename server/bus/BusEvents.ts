/**
 * The typed map of durable events: event type -> payload. Features add their events by augmenting this
 * interface from their own folder, so the bus stays typed end to end without a central list:
 *
 * ```ts
 * declare module '../../server/bus/BusEvents.ts' {
 *   interface BusEvents { 'donation.received': { amount: number; currency: string } }
 * }
 * ```
 * Payloads must be JSON-serialisable.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BusEvents {
  /** Audit trail of credential changes (never contains the token itself). */
  'auth.token_created': { tokenId: string; role: string; label: string | undefined };
  'auth.token_revoked': { tokenId: string };
  /** Round-trip probe used by health checks and benchmarks. */
  'bus.probe': { seq: number; sentAt: number };
}

export type BusEventType = keyof BusEvents & string;

/** One delivered event. */
export interface BusEvent<K extends BusEventType = BusEventType> {
  /** Redis stream entry id: unique, ordered within the stream. */
  id: string;
  type: K;
  payload: BusEvents[K];
  /** Epoch ms when it was published. */
  publishedAt: number;
  /** 1 on first delivery; higher when re-delivered after a crash or a handler error. */
  deliveryCount: number;
}
