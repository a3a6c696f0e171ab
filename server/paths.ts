import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root (where package.json is), wherever Roomcast is installed or cloned. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Vite output for every browser page (control UI, overlay...). */
export const WEB_DIST_DIR = path.join(PROJECT_ROOT, 'dist', 'web');
