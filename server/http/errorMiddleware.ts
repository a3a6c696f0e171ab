import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { RequestError } from '../errors.ts';
import { ValidationError } from '../validation/formatIssues.ts';
import { scrubSecrets } from '../log/logger.ts';

/**
 * Every failure becomes a JSON body `{ error: { code, message, issues? } }` that says what was wrong with
 * the request; internal errors are logged with their stack and answered without internals.
 */
export function errorMiddleware(logger: Logger) {
  return async function handleErrors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/api/')) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: `no route ${ctx.method} ${ctx.path}` } };
      }
    } catch (err) {
      if (err instanceof ValidationError) {
        ctx.status = 400;
        ctx.body = { error: { code: 'invalid_request', message: err.message, issues: err.issues.map(({ path, message }) => ({ path, message })) } };
      } else if (err instanceof RequestError) {
        ctx.status = err.status;
        ctx.body = { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
      } else if (typeof (err as { status?: unknown }).status === 'number' && (err as { expose?: boolean }).expose) {
        // Koa/http-errors raised by middleware (e.g. body too large).
        const httpErr = err as { status: number; message: string };
        ctx.status = httpErr.status;
        ctx.body = { error: { code: 'invalid_request', message: httpErr.message } };
      } else {
        logger.error({ err, url: scrubSecrets(ctx.url), method: ctx.method }, 'request failed');
        ctx.status = 500;
        ctx.body = { error: { code: 'internal', message: 'internal error; see the server log' } };
      }
    }
  };
}
