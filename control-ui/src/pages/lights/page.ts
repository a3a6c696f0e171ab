import type { PageDefinition } from '../registry.ts';
import { LightsPage } from './LightsPage.tsx';

export const lightsPage: PageDefinition = {
  id: 'lights',
  title: 'Lights',
  path: '/lights',
  component: LightsPage,
  minRole: 'operator',
  order: 20,
};
