/** Durable events pipelines publish (the `bus` sink). */
export interface PipelineEventPayload {
  pipeline: string;
  /** The event frame's type (`motion_start`, `gesture_start`...) and payload. */
  type: string;
  payload: unknown;
  sourceId: string;
  /** Epoch ms the underlying frame was captured, and when the event reached the sink. */
  captureTs: number;
  emittedAt: number;
}

declare module '../server/bus/BusEvents.ts' {
  interface BusEvents {
    'pipeline.event': PipelineEventPayload;
  }
}
