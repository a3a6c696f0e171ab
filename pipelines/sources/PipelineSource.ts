import type { Frame, FrameKind } from '../frames.ts';

/** How a source says whether it is producing. */
export interface SourceReporter {
  /** Something keeps the source from producing (waiting for a producer, decoder failing...). */
  problem(reason: string): void;
  /** Producing (again). */
  ok(): void;
}

/** Hands a frame to the pipeline; a promise means "wait before the next one" (backpressure). */
export type PushFrame = (frame: Frame) => Promise<void> | undefined;

/**
 * Where a pipeline's frames come from: a producer in a room (through the media bridge), a video file,
 * a synthetic pattern. The pipeline supervises it: a `run` that throws is restarted with backoff.
 */
export interface PipelineSource {
  /** For the UI: `producer demo/cam-1`, `file clips/wave.webm`... */
  readonly description: string;
  readonly kinds: readonly FrameKind[];
  /**
   * Produce frames until `signal` aborts, awaiting `push` when it returns a promise. Resolve when there is
   * nothing more to produce (a file played once); throw on failure.
   */
  run(push: PushFrame, signal: AbortSignal, report: SourceReporter): Promise<void>;
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
