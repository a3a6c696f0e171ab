import { roleAtLeast, type Role } from '../auth/roles.ts';
import type { PageDefinition } from '../pages/registry.ts';
import { hrefFor } from '../routing/useHashRoute.ts';

interface NavProps {
  pages: readonly PageDefinition[];
  role: Role;
  currentPath: string;
}

/** Every registered page the role may open. */
export function Nav({ pages, role, currentPath }: NavProps) {
  return (
    <nav class="nav" data-testid="nav" aria-label="Main">
      <ul>
        {pages
          .filter((page) => roleAtLeast(role, page.minRole))
          .map((page) => (
            <li key={page.id}>
              <a
                href={hrefFor(page.path)}
                class="nav-link"
                data-page={page.id}
                aria-current={page.path === currentPath ? 'page' : undefined}
              >
                {page.title}
              </a>
            </li>
          ))}
      </ul>
    </nav>
  );
}
