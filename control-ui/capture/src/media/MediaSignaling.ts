import { io, type Socket } from 'socket.io-client';
import {
  MEDIA_NAMESPACE,
  type MediaClientToServerEvents,
  type MediaErrorCode,
  type MediaResult,
  type MediaServerToClientEvents,
} from '../../../../server/protocol/mediaEvents.ts';

/** The `/media` signaling socket, typed end to end with the server's event maps. */
export type MediaSocket = Socket<MediaServerToClientEvents, MediaClientToServerEvents>;

type EventName = keyof MediaClientToServerEvents;
type RequestOf<E extends EventName> = Parameters<MediaClientToServerEvents[E]>[0];
type AckOf<E extends EventName> = Parameters<MediaClientToServerEvents[E]>[1];
type ResultOf<E extends EventName> = AckOf<E> extends (result: MediaResult<infer T>) => void ? T : never;

/** A refused signaling call: `code` says what kind of problem (see MediaErrorCode), `message` what exactly. */
export class MediaCallError extends Error {
  readonly code: MediaErrorCode | 'timeout' | 'disconnected';
  constructor(code: MediaCallError['code'], message: string) {
    super(message);
    this.name = 'MediaCallError';
    this.code = code;
  }
}

/** Opens `/media` with a token; socket.io reconnects by itself (the caller decides what to redo). */
export function openMediaSocket(token: string): MediaSocket {
  return io(MEDIA_NAMESPACE, {
    auth: { token },
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    randomizationFactor: 0.3,
    timeout: 10_000,
  });
}

/** One request/ack round trip; resolves with the success payload, rejects with a MediaCallError. */
export function mediaCall<E extends EventName>(socket: MediaSocket, event: E, request: RequestOf<E>, timeoutMs = 15_000): Promise<ResultOf<E>> {
  return new Promise((resolve, reject) => {
    if (!socket.connected) {
      reject(new MediaCallError('disconnected', `${event}: not connected to the server`));
      return;
    }
    // socket.io's typed emit cannot see through the generic event name; the maps above keep callers typed.
    const withTimeout = socket.timeout(timeoutMs) as unknown as { emit(event: string, request: unknown, ack: (err: Error | null, result: MediaResult) => void): void };
    withTimeout.emit(event, request, (err, result) => {
      if (err) reject(new MediaCallError('timeout', `${event}: no answer within ${timeoutMs / 1000} s`));
      else if (!result.ok) reject(new MediaCallError(result.code, result.error));
      else resolve(result as unknown as ResultOf<E>);
    });
  });
}

/** Why the socket can't connect, in words for people (refused token vs. unreachable server). */
export function describeConnectError(error: Error): { refused: boolean; text: string } {
  switch (error.message) {
    case 'unauthorized':
      return { refused: true, text: 'The server refused this token (unknown or revoked).' };
    case 'forbidden':
      return { refused: true, text: 'This token may not use media signaling.' };
    case 'rate_limited':
      return { refused: true, text: 'Too many wrong tokens from this address; wait a few minutes.' };
    default:
      return { refused: false, text: 'Cannot reach the server.' };
  }
}
