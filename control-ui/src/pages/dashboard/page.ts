import type { PageDefinition } from '../registry.ts';
import { DashboardPage } from './DashboardPage.tsx';

export const dashboardPage: PageDefinition = {
  id: 'dashboard',
  title: 'Dashboard',
  path: '/',
  component: DashboardPage,
  minRole: 'operator',
  order: 0,
};
