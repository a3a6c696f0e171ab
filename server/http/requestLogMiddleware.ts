import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { RoomcastMetrics } from '../metrics/RoomcastMetrics.ts';
import { scrubSecrets } from '../log/logger.ts';

/** One debug line per request (URL scrubbed of tokens) and the request counter, labelled by route. */
export function requestLogMiddleware(logger: Logger, metrics: RoomcastMetrics) {
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const start = performance.now();
    try {
      await next();
    } finally {
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? (ctx.path.startsWith('/assets/') ? '/assets' : 'other');
      metrics.httpRequests.inc({ method: ctx.method, route: String(route), status: String(ctx.status) });
      const level = ctx.status >= 500 ? 'error' : 'debug';
      logger[level](
        { method: ctx.method, url: scrubSecrets(ctx.url), status: ctx.status, ms: Math.round((performance.now() - start) * 10) / 10, ip: ctx.ip },
        'http request',
      );
    }
  };
}
