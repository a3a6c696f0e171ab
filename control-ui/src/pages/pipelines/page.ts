import type { PageDefinition } from '../registry.ts';
import { PipelinesPage } from './PipelinesPage.tsx';

export const pipelinesPage: PageDefinition = {
  id: 'pipelines',
  title: 'Pipelines',
  path: '/pipelines',
  component: PipelinesPage,
  minRole: 'operator',
  order: 40,
};
