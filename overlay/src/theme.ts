import type { OverlayParams } from './params.ts';

/** URL theme params become data attributes and CSS custom properties on the root. */
export function applyTheme(root: HTMLElement, params: OverlayParams): void {
  root.dataset['theme'] = params.theme;
  root.dataset['position'] = params.position;
  root.dataset['statusDot'] = params.showStatus ? 'auto' : 'hidden';
  // A custom accent colours every alert kind; without one each kind has its own colour.
  root.dataset['accent'] = params.accent ? 'custom' : 'kind';
  if (params.accent) root.style.setProperty('--accent', params.accent);
  if (params.font) root.style.setProperty('--font', `"${params.font}", var(--font-fallback)`);
  root.style.setProperty('--scale', String(params.scale));
}
