import type { PageDefinition } from '../registry.ts';
import { GesturesPage } from './GesturesPage.tsx';

export const gesturesPage: PageDefinition = {
  id: 'gestures',
  title: 'Gestures',
  path: '/gestures',
  component: GesturesPage,
  minRole: 'operator',
  order: 45,
};
