import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { discoverWebPages } from './server/http/webPages.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Where `roomcast start` listens during `vite` dev; the built pages are served by the server itself. */
const devBackend = process.env.ROOMCAST_DEV_BACKEND ?? 'http://127.0.0.1:8480';

/**
 * Every page, one origin: the control UI (served at `/`), the OBS overlay (`/overlay/`) and any
 * `control-ui/<name>/` page (`/<name>/`). The server maps `dist/web/<page>/index.html` to those paths and
 * `/assets/*` to the hashed bundles, so every URL in the HTML must be absolute (`base: '/'`).
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  // Preact through the automatic JSX runtime (same settings as tsconfig.json), no framework plugin.
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: here('dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: true,
    // Chromium (browsers, OBS's CEF) supports modulepreload natively.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // Every page folder (control-ui/, overlay/, control-ui/<name>/) is an entry: see server/http/webPages.ts.
      input: Object.fromEntries(discoverWebPages(here('.')).map((page) => [page.outDir.replace(/\//g, '-'), here(page.entry)])),
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
        // The socket.io client is shared by both pages; give its chunk a name people recognise.
        codeSplitting: {
          groups: [{ name: 'socket.io-client', test: /node_modules[\\/](@socket\.io|socket\.io-|engine\.io-)/ }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': devBackend,
      '/socket.io': { target: devBackend, ws: true },
    },
  },
});
