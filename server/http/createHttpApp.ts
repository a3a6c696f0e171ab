import Koa from 'koa';
import { Router } from '@koa/router';
import cors from '@koa/cors';
import { bodyParser } from '@koa/bodyparser';
import type { AppServices } from '../AppServices.ts';
import { RequestError } from '../errors.ts';
import { errorMiddleware } from './errorMiddleware.ts';
import { requestLogMiddleware } from './requestLogMiddleware.ts';
import { requireToken } from './authMiddleware.ts';
import { healthRoutes } from './routes/healthRoutes.ts';
import { metricsRoute } from './routes/metricsRoute.ts';
import { systemApiRoutes } from './routes/systemApiRoutes.ts';
import { tokenApiRoutes } from './routes/tokenApiRoutes.ts';
import { overlayApiRoutes } from './routes/overlayApiRoutes.ts';
import { actionApiRoutes } from './routes/actionApiRoutes.ts';
import { webRoutes } from './routes/webRoutes.ts';
import { mediapipeHandsAssets } from '../gestures/mediapipeHandsAssets.ts';

/** Extra /api routers contributed by features (lights, gestures...), mounted behind the same auth. */
export type ApiRouterFactory = (services: AppServices) => Router;

/**
 * The HTTP surface: public probes, token-protected /api and /metrics, and the browser pages.
 * Order matters and is asserted by tests: errors -> logging -> security headers -> CORS -> routes.
 */
export function createHttpApp(services: AppServices, extraApi: readonly ApiRouterFactory[] = []): Koa {
  const app = new Koa({ proxy: services.config.server.trustProxy });
  app.silent = true; // errors are logged by errorMiddleware, once
  app.use(errorMiddleware(services.logger));
  app.use(requestLogMiddleware(services.logger, services.metrics));
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
  });
  const origins = new Set(services.config.server.corsOrigins.map((o) => new URL(o).origin));
  if (origins.size) {
    // CORS is closed unless origins are listed; listed ones may send the Authorization header.
    app.use(cors({ origin: (ctx) => (origins.has(ctx.get('origin')) ? ctx.get('origin') : ''), allowHeaders: ['Authorization', 'Content-Type'] }));
  }

  const probes = healthRoutes(services.health);
  app.use(probes.routes());
  if (services.config.metrics.enabled) app.use(metricsRoute(services).routes());

  const api = new Router({ prefix: '/api' });
  api.use(requireToken(services.auth, 'overlay'));
  api.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: '256kb',
      onError: (err) => {
        if ((err as { status?: number }).status === 413) throw new RequestError(413, 'payload_too_large', 'request body is larger than 256 kB');
        throw new RequestError(400, 'invalid_json', `request body is not valid JSON: ${err.message}`);
      },
    }),
  );
  for (const router of [systemApiRoutes(services), overlayApiRoutes(services), tokenApiRoutes(services), actionApiRoutes(services), ...extraApi.map((f) => f(services))]) {
    api.use(router.routes(), router.allowedMethods({ throw: false }));
  }
  // Anything else under /api is still behind the token check: unknown routes must not be probeable.
  api.all('/{*rest}', (ctx) => {
    ctx.status = 404;
    ctx.body = { error: { code: 'not_found', message: `no route ${ctx.method} ${ctx.path}` } };
  });
  app.use(api.routes());

  const web = webRoutes();
  app.use(web.assets);
  // MediaPipe Hands for capture pages that find hands in the browser (served from node_modules, no CDN).
  app.use(mediapipeHandsAssets());
  app.use(web.router.routes());
  return app;
}
