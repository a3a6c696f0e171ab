/**
 * Services features offer each other (the effects engine, the media bridge, the stage engine...),
 * typed by name. A feature declares what it provides by augmenting this interface from its own folder:
 *
 * ```ts
 * declare module '../../server/features/FeatureServices.ts' {
 *   interface FeatureServices { effects: EffectsEngine }
 * }
 * ```
 * and calls `ctx.provide('effects', engine)`; later features call `ctx.use('effects')`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FeatureServices {}

export type FeatureServiceName = keyof FeatureServices & string;
