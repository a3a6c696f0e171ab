/**
 * Built-in pages. A feature adds its page by exporting a `PageDefinition` next to its component and
 * registering it here (order decides the navigation).
 */
import { dashboardPage } from './dashboard/page.ts';
import { lightsPage } from './lights/page.ts';
import { pipelinesPage } from './pipelines/page.ts';
import { gesturesPage } from './gestures/page.ts';
import { registerPage } from './registry.ts';

registerPage(dashboardPage);
registerPage(lightsPage);
registerPage(pipelinesPage);
registerPage(gesturesPage);
