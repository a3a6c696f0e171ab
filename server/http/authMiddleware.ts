import type { Context, Next } from 'koa';
import type { Role } from '../protocol/roles.ts';
import { roleAtLeast } from '../protocol/roles.ts';
import { bearerToken, type Authenticator } from '../auth/Authenticator.ts';
import type { TokenRecord } from '../auth/TokenStore.ts';

export interface AuthState {
  token: TokenRecord;
}

/** Refuse the request unless it carries a valid token of at least `minimum` role. */
export function requireToken(auth: Authenticator, minimum: Role) {
  return async function authenticate(ctx: Context, next: Next): Promise<void> {
    const result = await auth.authenticate(bearerToken(ctx.get('authorization') || undefined), minimum, { address: ctx.ip, transport: 'http' });
    if (!result.ok) {
      if (result.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="roomcast"');
      if (result.retryAfterSeconds) ctx.set('Retry-After', String(result.retryAfterSeconds));
      ctx.status = result.status;
      ctx.body = { error: { code: result.code, message: result.message } };
      return;
    }
    (ctx.state as AuthState).token = result.record;
    await next();
  };
}

/** For routes that need more than the router-wide minimum (after requireToken). */
export function requireRole(role: Role) {
  return async function checkRole(ctx: Context, next: Next): Promise<void> {
    const token = (ctx.state as Partial<AuthState>).token;
    if (!token || !roleAtLeast(token.role, role)) {
      ctx.status = 403;
      ctx.body = {
        error: { code: 'forbidden', message: `${ctx.method} ${ctx.path} needs the ${role} role; this token has the ${token?.role ?? 'no'} role` },
      };
      return;
    }
    await next();
  };
}
