import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { Router } from '@koa/router';
import serve from 'koa-static';
import type { Context, Middleware } from 'koa';
import { PROJECT_ROOT, WEB_DIST_DIR } from '../../paths.ts';
import { discoverWebPages } from '../webPages.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // WebAssembly compiled from same-origin files only (MediaPipe Hands on capture pages); never JS eval.
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function sendPage(ctx: Context, page: string, distDir: string): void {
  const file = path.join(distDir, page, 'index.html');
  if (!existsSync(file)) {
    ctx.status = 503;
    ctx.type = 'text/plain';
    ctx.body = `The browser pages are not built yet (${path.relative(process.cwd(), file)} is missing). Run: npm run setup\n`;
    return;
  }
  // Never cached: OBS's browser source caches aggressively, and a stale overlay is a broken overlay.
  ctx.set('Cache-Control', 'no-store');
  // The control UI keeps a token in localStorage: no inline or third-party script may ever run here.
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  ctx.type = 'html';
  ctx.body = createReadStream(file);
}

/** Serves the built pages (no-store) and their hashed assets (cached forever). */
export function webRoutes(distDir = WEB_DIST_DIR): { router: Router; assets: Middleware } {
  const router = new Router();
  for (const { route, outDir } of discoverWebPages(PROJECT_ROOT)) {
    router.get(route, (ctx) => {
      if (route !== '/' && !ctx.path.endsWith('/')) {
        ctx.redirect(`${route}/${ctx.querystring ? `?${ctx.querystring}` : ''}`);
        return;
      }
      sendPage(ctx, outDir, distDir);
    });
    if (route !== '/') router.get(`${route}/`, (ctx) => sendPage(ctx, outDir, distDir));
  }
  const staticAssets = serve(distDir, { index: false, maxage: 365 * 24 * 3600_000, immutable: true, gzip: false, brotli: false });
  const assets: Middleware = async (ctx, next) => {
    if (ctx.path.startsWith('/assets/')) return staticAssets(ctx, next);
    return next();
  };
  return { router, assets };
}
