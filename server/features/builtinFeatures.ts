import type { Feature } from './Feature.ts';

/**
 * Built-in features in start order (a feature may `use` services of the ones before it). Each issue's
 * subsystem adds one line here.
 */
export const BUILTIN_FEATURES: readonly Feature[] = [];
