import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Middleware } from 'koa';

const require = createRequire(import.meta.url);

/** Where @mediapipe/hands (the browser-side hand landmarker: script, wasm, models) is installed. */
export function mediapipeHandsDir(): string {
  return path.dirname(require.resolve('@mediapipe/hands/package.json'));
}

export function mediapipeHandsVersion(): string {
  return (JSON.parse(readFileSync(path.join(mediapipeHandsDir(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** URL prefix of the files; the version is in the path so they can be cached forever. */
export const MEDIAPIPE_HANDS_PREFIX = '/vendor/mediapipe-hands/';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  // application/wasm lets the browser compile while downloading.
  '.wasm': 'application/wasm',
  '.data': 'application/octet-stream',
  '.tflite': 'application/octet-stream',
  '.binarypb': 'application/octet-stream',
};

/**
 * Serves @mediapipe/hands from node_modules at `/vendor/mediapipe-hands/<version>/<file>`, so capture
 * pages run it with no CDN. Public like the page bundles (these are the package's published files);
 * only plain file names with the package's extensions are served.
 */
export function mediapipeHandsAssets(dir = mediapipeHandsDir()): Middleware {
  const version = existsSync(dir) ? mediapipeHandsVersion() : 'missing';
  const prefix = `${MEDIAPIPE_HANDS_PREFIX}${version}/`;
  return async (ctx, next) => {
    if (!ctx.path.startsWith(MEDIAPIPE_HANDS_PREFIX) || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const name = ctx.path.startsWith(prefix) ? ctx.path.slice(prefix.length) : '';
    const type = TYPES[path.extname(name)];
    const file = path.join(dir, name);
    if (!/^[a-z0-9_]+\.[a-z]+$/i.test(name) || !type || !existsSync(file)) {
      ctx.status = 404;
      ctx.type = 'text/plain';
      ctx.body = `not found: MediaPipe Hands ${version} files are under ${prefix}\n`;
      return;
    }
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    // The wasm and data files are fetched cross-origin-safe from the same origin; nothing else needed.
    ctx.type = type;
    ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
  };
}
