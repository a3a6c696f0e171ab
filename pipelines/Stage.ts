import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Frame, FrameKind, FrameOfKind } from './frames.ts';

/**
 * What a stage's input queue does when it is full. Declared per input kind by the stage; the engine
 * enforces it, so a slow stage sheds load in a known way and never stalls the stages before it.
 * - `keep-latest`: hold at most `capacity` frames, dropping the oldest (video: capacity 1).
 * - `drop-oldest`: same, for audio blocks where some history matters.
 * - `backpressure`: never drop; the producer waits (events must not be lost).
 */
export type QueuePolicy =
  | { mode: 'keep-latest'; capacity: number }
  | { mode: 'drop-oldest'; capacity: number }
  | { mode: 'backpressure'; capacity: number };

export const DEFAULT_QUEUE_POLICY: Readonly<Record<FrameKind, QueuePolicy>> = {
  video: { mode: 'keep-latest', capacity: 1 },
  audio: { mode: 'drop-oldest', capacity: 50 },
  event: { mode: 'backpressure', capacity: 1000 },
};

export interface StageContext {
  /** Stage instance id from the pipeline config, e.g. `gestures/hands`. */
  id: string;
  logger: Logger;
  /** Where the stage may keep files (models caches...). */
  dataDir: string;
  /** Aborted when the stage is being stopped or restarted. */
  signal: AbortSignal;
}

/** Hands a produced frame to the next stages (resolves when accepted; awaits under backpressure). */
export type Emit<Out extends FrameKind> = (frame: FrameOfKind<Out>) => Promise<void>;

/** A running stage. */
export interface StageInstance<In extends FrameKind = FrameKind, Out extends FrameKind = FrameKind> {
  /** Called once per input frame, never concurrently; emit any number of output frames. */
  process(frame: FrameOfKind<In>, emit: Emit<Out>): Promise<void> | void;
  /** Release workers, models, timers. */
  close?(): Promise<void> | void;
}

/**
 * A stage type: a plain typed object. Built-in stages and plugin stages use exactly this contract.
 */
export interface StageDefinition<Options extends z.ZodType = z.ZodType, In extends FrameKind = FrameKind, Out extends FrameKind = FrameKind> {
  /** Used in pipeline config: `stages: [{ type: 'gesture', ... }]`. */
  type: string;
  description: string;
  /** Options in pipeline config (strict, defaulted where sensible). */
  optionsSchema: Options;
  /** Frame kinds it consumes and produces. */
  inputs: readonly In[];
  outputs: readonly Out[];
  /** Per input kind; missing kinds use DEFAULT_QUEUE_POLICY. */
  queue?: Partial<Record<In, QueuePolicy>>;
  /** A frame still processing after this long counts as a deadline miss (metrics, health). */
  deadlineMs?: number;
  create(options: z.output<Options>, ctx: StageContext): StageInstance<In, Out> | Promise<StageInstance<In, Out>>;
}

export function defineStage<Options extends z.ZodType, In extends FrameKind, Out extends FrameKind>(
  stage: StageDefinition<Options, In, Out>,
): StageDefinition<Options, In, Out> {
  return stage;
}

export type AnyFrame = Frame;
