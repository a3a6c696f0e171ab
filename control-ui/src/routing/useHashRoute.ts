import { useCallback, useEffect, useState } from 'preact/hooks';

/** `#/settings/lights` -> `/settings/lights`; no fragment -> `/`. */
export function currentHashPath(): string {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash.startsWith('/')) return '/';
  return hash.split('?')[0] ?? '/';
}

export function hrefFor(path: string): string {
  return path === '/' ? '#/' : `#${path}`;
}

/**
 * Hash routing: the server only serves the control UI at `/`, so pages live in the fragment. The home
 * page (`/`) keeps the address bar clean (no fragment) until the user navigates.
 */
export function useHashRoute(): [path: string, navigate: (path: string) => void] {
  const [path, setPath] = useState(currentHashPath);
  useEffect(() => {
    const onChange = () => setPath(currentHashPath());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((next: string) => {
    window.location.hash = hrefFor(next);
  }, []);
  return [path, navigate];
}
