import type { AnyStageDefinition } from '../Stage.ts';
import { eventFilterStage } from './eventFilterStage.ts';
import { throttleStage } from './throttleStage.ts';
import { gestureStage } from './gesture/gestureStage.ts';

/**
 * Stage types every Roomcast has. A built-in stage adds one line here (plugins bring theirs through
 * `definePlugin({ stages })`).
 */
export const BUILTIN_STAGES: readonly AnyStageDefinition[] = [eventFilterStage, throttleStage, gestureStage];
