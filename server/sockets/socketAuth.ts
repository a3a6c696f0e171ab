import type { Socket } from 'socket.io';
import type { Role } from '../protocol/roles.ts';
import { bearerToken, type Authenticator } from '../auth/Authenticator.ts';
import type { AuthenticatedSocketData } from '../protocol/controlEvents.ts';

/** Client address as the rate limiter sees it (the proxy's forwarded address only when trusted). */
export function socketAddress(socket: Socket, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = socket.handshake.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return socket.handshake.address;
}

/**
 * Namespace middleware: a socket must present a token (`auth: { token }` or an Authorization header) of
 * at least `minimum` role. A refused socket gets `connect_error` with message `unauthorized`,
 * `forbidden` or `rate_limited` and `data: { message, retryAfterSeconds? }` saying why.
 */
export function socketAuth(auth: Authenticator, minimum: Role, trustProxy: boolean) {
  return async (socket: Socket<never, never, never, AuthenticatedSocketData>, next: (err?: Error) => void): Promise<void> => {
    try {
      const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const token = typeof fromAuth === 'string' ? fromAuth : bearerToken(socket.handshake.headers.authorization);
      const result = await auth.authenticate(token, minimum, { address: socketAddress(socket, trustProxy), transport: 'socket' });
      if (!result.ok) {
        const err = new Error(result.code) as Error & { data: unknown };
        err.data = { message: result.message, retryAfterSeconds: result.retryAfterSeconds };
        next(err);
        return;
      }
      socket.data.tokenId = result.record.id;
      socket.data.role = result.record.role;
      next();
    } catch (err) {
      next(new Error(`authentication unavailable: ${(err as Error).message}`));
    }
  };
}
