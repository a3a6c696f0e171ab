import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** One browser page: where it is served, its Vite entry, and where Vite writes it under dist/web. */
export interface WebPage {
  /** `/`, `/overlay`, `/capture`... */
  route: string;
  /** Entry HTML relative to the project root. */
  entry: string;
  /** Folder of the built index.html, relative to dist/web. */
  outDir: string;
}

/**
 * Pages are discovered, not listed: `control-ui/index.html` is `/`, `overlay/index.html` is `/overlay`,
 * and every `control-ui/<name>/index.html` (capture, listen...) is `/<name>`. Vite's build inputs and the
 * server's routes both come from here, so adding a page is adding its folder.
 */
export function discoverWebPages(projectRoot: string): WebPage[] {
  const pages: WebPage[] = [
    { route: '/', entry: 'control-ui/index.html', outDir: 'control-ui' },
    { route: '/overlay', entry: 'overlay/index.html', outDir: 'overlay' },
  ];
  const uiDir = path.join(projectRoot, 'control-ui');
  for (const name of existsSync(uiDir) ? readdirSync(uiDir).sort() : []) {
    if (name === 'src' || name.startsWith('.')) continue;
    if (existsSync(path.join(uiDir, name, 'index.html'))) {
      pages.push({ route: `/${name}`, entry: `control-ui/${name}/index.html`, outDir: `control-ui/${name}` });
    }
  }
  return pages;
}
