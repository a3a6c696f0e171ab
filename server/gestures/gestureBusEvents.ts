import type { BrowserLandmarks, GestureEvent } from '../protocol/gestureEvents.ts';

declare module '../bus/BusEvents.ts' {
  interface BusEvents {
    /** A gesture started (after the stage's hysteresis); rules fire on it. */
    'gesture.start': GestureEvent;
    /** A gesture ended (cancels rules still waiting for their minimum hold). */
    'gesture.end': GestureEvent;
  }
}

declare module '../bus/PubSubChannels.ts' {
  interface PubSubChannels {
    /**
     * Landmarks a capture page sent to a process whose pipelines do not include that source's gesture
     * stage: every process offers them to its own stages.
     */
    'gestures.landmarks': { source: string; landmarks: BrowserLandmarks };
    /** A process has Gestures pages watching `source` (every 2 s while it does): send its snapshots. */
    'gestures.watching': { source: string; fps: number };
  }
}
