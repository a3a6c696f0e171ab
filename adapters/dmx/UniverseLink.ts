import type { EventEmitter } from 'node:events';
import type { UniverseData } from 'dmx-ts';

/** Whether a link can take frames now, and why not. */
export type LinkStatus = { ready: true } | { ready: false; reason: string };

/**
 * - `sent`: handed to the driver (delivery is reported later by `delivered` / `failed`);
 * - `busy`: can't take a frame right now (previous write not drained, socket still binding): try again
 *   at the next refresh;
 * - `unavailable`: not usable until `status` says ready again.
 */
export type SendResult = 'sent' | 'busy' | 'unavailable';

export interface UniverseLinkEvents {
  /** A packet reached the OS (UDP) or the serial port drained. */
  delivered: [];
  failed: [error: Error];
  /** Became ready or unavailable. On `ready` the driver starts from an all-zero universe. */
  status: [status: LinkStatus];
}

/**
 * One universe on one dmx-ts driver. Implementations own every socket, timer and port the driver opens,
 * route the driver's errors here (dmx-ts and its libraries throw them or leave promises unhandled), and
 * leave nothing open after `close()`.
 */
export interface UniverseLink extends EventEmitter<UniverseLinkEvents> {
  readonly status: LinkStatus;
  /** Apply these changes (keys in the driver's own numbering, see channelNumbering.ts) and send the universe. */
  send(changes: UniverseData): SendResult;
  close(): Promise<void>;
}
