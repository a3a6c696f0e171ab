import { useEffect } from 'preact/hooks';
import { useSession } from '../auth/session.ts';
import { roleAtLeast } from '../auth/roles.ts';
import { ControlContext } from '../control/ControlContext.ts';
import { useControlConnection } from '../control/useControlConnection.ts';
import { formatRelative } from '../format/relativeTime.ts';
import { useNow } from '../format/useNow.ts';
import { findPage, listPages } from '../pages/registry.ts';
import { hrefFor, useHashRoute } from '../routing/useHashRoute.ts';
import { ConnectionIndicator } from './ConnectionIndicator.tsx';
import { Nav } from './Nav.tsx';

/** Header (brand, navigation, connection, who is signed in) around the routed page. */
export function Shell() {
  const session = useSession();
  const connection = useControlConnection(session.token, session.expire);
  const [path] = useHashRoute();
  const pages = listPages();
  const page = findPage(path);
  const allowed = page !== undefined && roleAtLeast(session.role, page.minRole);
  const now = useNow(5_000, connection.state !== 'connected');

  useEffect(() => {
    document.title = page ? `${page.title} · Roomcast` : 'Roomcast';
  }, [page]);

  const Page = allowed ? page.component : null;
  const home = pages[0];

  return (
    <ControlContext.Provider value={connection}>
      <div class="shell">
        <header class="topbar">
          <a class="brand" href={hrefFor('/')}>
            <span class="brand-mark" aria-hidden="true" />
            Roomcast
          </a>
          <Nav pages={pages} role={session.role} currentPath={path} />
          <div class="topbar-end">
            <ConnectionIndicator connection={connection} />
            <span class="role-pill" title={`Token ${session.tokenId}`}>
              {session.role}
            </span>
            <button type="button" class="button button--quiet" data-testid="logout" onClick={session.logout}>
              Sign out
            </button>
          </div>
        </header>

        {connection.state !== 'connected' && connection.everConnected && (
          <div class="outage" role="status">
            <strong>{connection.detail || 'Not connected.'}</strong>{' '}
            {connection.state === 'reconnecting'
              ? `Reconnecting by itself — showing the state as of ${formatRelative(connection.healthAt ?? connection.since, now)}.`
              : 'Live updates are paused.'}
          </div>
        )}

        <main class="content" id="content">
          {Page ? (
            <Page />
          ) : (
            <section class="card empty" data-testid="not-found">
              <h1>{page ? 'Not available for your role' : 'Page not found'}</h1>
              <p class="muted">
                {page
                  ? `“${page.title}” needs the ${page.minRole} role; you are signed in as ${session.role}.`
                  : `Nothing lives at ${path}.`}
              </p>
              {home && <a href={hrefFor(home.path)}>Back to {home.title}</a>}
            </section>
          )}
        </main>
      </div>
    </ControlContext.Provider>
  );
}
