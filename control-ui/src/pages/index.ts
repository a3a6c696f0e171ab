/**
 * Built-in pages. A feature adds its page by exporting a `PageDefinition` next to its component and
 * registering it here (order decides the navigation).
 */
import { dashboardPage } from './dashboard/page.ts';
import { registerPage } from './registry.ts';

registerPage(dashboardPage);
