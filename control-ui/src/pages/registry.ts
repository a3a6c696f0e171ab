import type { ComponentType } from 'preact';
import type { Role } from '../auth/roles.ts';

/**
 * A page of the control UI: a plain typed object registered once at startup (see `pages/index.ts`).
 * The shell builds its navigation and routes from whatever is registered and the session's role.
 */
export interface PageDefinition {
  /** Stable id, also used for `data-page` and test ids. */
  id: string;
  /** Shown in the navigation and the document title. */
  title: string;
  /** Route inside the fragment: `/` is the home page, `/lights` is reached at `#/lights`. */
  path: string;
  component: ComponentType;
  /** Hidden from the navigation and refused for lower roles (the server enforces it again). */
  minRole: Role;
  /** Lower comes first in the navigation; ties keep registration order. */
  order?: number;
}

const pages: PageDefinition[] = [];

export function registerPage(page: PageDefinition): void {
  if (!/^\/[a-z0-9/_-]*$/i.test(page.path)) throw new Error(`page "${page.id}": path must start with "/"`);
  const clash = pages.find((existing) => existing.id === page.id || existing.path === page.path);
  if (clash) throw new Error(`page "${page.id}" clashes with "${clash.id}" (same id or path)`);
  pages.push(page);
}

/** Every registered page in navigation order. */
export function listPages(): readonly PageDefinition[] {
  return pages
    .map((page, index) => ({ page, index }))
    .sort((a, b) => (a.page.order ?? 100) - (b.page.order ?? 100) || a.index - b.index)
    .map(({ page }) => page);
}

export function findPage(path: string): PageDefinition | undefined {
  return pages.find((page) => page.path === path);
}
