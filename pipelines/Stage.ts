import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Frame, FrameKind, FrameOfKind } from './frames.ts';

/**
 * The Stage contract: one kind of processing step in a pipeline (source -> stages -> sinks). Built-in
 * stages and plugin stages are the same plain typed object (`defineStage({...})`).
 *
 * How a stage consumes and produces frames:
 * - The engine gives each stage one bounded queue per input kind, with the policy the stage declares
 *   (`queue`) or DEFAULT_QUEUE_POLICY: video keeps the latest frame, audio drops the oldest blocks,
 *   events are never dropped (the producer waits). A slow stage sheds load in that known way; it never
 *   stalls the stages before it through a lossy queue.
 * - `process(frame, emit)` is called once per frame, in arrival order, never concurrently. Call `emit`
 *   for every frame it produces (any number, any of `outputs`); the engine waits for the emits before
 *   the next frame, so backpressure downstream reaches this stage. Frames are shared between stages:
 *   never mutate a frame you received; emit a new one.
 * - Frames of kinds a stage does not consume skip it and go to the next stage that does (or to the
 *   pipeline's sinks): an event filter between two video stages does not cut the second one off. A
 *   kind a stage consumes goes on only if the stage emits it (pass frames through with `emit(frame)`).
 * - A `process` that throws is an error: the frame is dropped, the instance is closed, and a new one is
 *   created after an exponential backoff; the pipeline's health says why. A `process` still running
 *   after `deadlineMs` counts as a deadline miss; one still running after the stall timeout is abandoned
 *   (its `signal` aborts) and restarted the same way.
 * - Stages run on the server's event loop: anything CPU-heavy (models, image work) belongs in a
 *   worker_thread or child process, awaited from `process`. A synchronous busy loop would freeze
 *   everything, which no engine can prevent.
 */

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

export type QueueMode = QueuePolicy['mode'];

export const DEFAULT_QUEUE_POLICY: Readonly<Record<FrameKind, QueuePolicy>> = {
  video: { mode: 'keep-latest', capacity: 1 },
  audio: { mode: 'drop-oldest', capacity: 50 },
  event: { mode: 'backpressure', capacity: 1000 },
};

export interface StageContext {
  /** Stage instance id from the pipeline config, e.g. `hands`. */
  id: string;
  /** The pipeline it runs in, e.g. `lobby-gestures`. */
  pipelineId: string;
  /**
   * The room the pipeline belongs to (its `room:`, else its producer source's room, else the first
   * room); undefined when no rooms are configured. Stages whose frames carry no room use it.
   */
  room: string | undefined;
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
  /** Release workers, models, timers. Bounded by the engine (a close that hangs is abandoned). */
  close?(): Promise<void> | void;
}

/**
 * A stage type: a plain typed object. Built-in stages and plugin stages use exactly this contract.
 */
export interface StageDefinition<Options extends z.ZodType = z.ZodType, In extends FrameKind = FrameKind, Out extends FrameKind = FrameKind> {
  /** Used in pipeline config: `stages: [{ type: 'gesture', ... }]`. Plugins prefix theirs: `example.motion`. */
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

/**
 * Any stage type, whatever its options and frame kinds: what catalogs and plugins hold. (A stage typed
 * for `'video' -> 'event'` is not a `StageDefinition<..., FrameKind, FrameKind>`: its process() only
 * takes video; and one with `outputs: []` emits `never`.) Every `defineStage(...)` result fits it.
 */
export interface AnyStageDefinition {
  type: string;
  description: string;
  optionsSchema: z.ZodType;
  inputs: readonly FrameKind[];
  outputs: readonly FrameKind[];
  queue?: Partial<Record<FrameKind, QueuePolicy>>;
  deadlineMs?: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  create(options: any, ctx: StageContext): AnyStageInstance | Promise<AnyStageInstance>;
}

export interface AnyStageInstance {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  process(frame: any, emit: any): Promise<void> | void;
  close?(): Promise<void> | void;
}
