// Entry of the gesture worker_thread. Loader hooks registered in the parent thread (tsx, vitest) do not
// reach worker threads, so the worker registers tsx itself before loading its TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./humanWorker.ts');
