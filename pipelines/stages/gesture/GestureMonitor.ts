import { EventEmitter } from 'node:events';
import type { VideoFrame } from '../../frames.ts';
import type { BrowserLandmarks, GestureEvent, HandsObservation } from '../../../server/protocol/gestureEvents.ts';

export interface GestureSourceInfo {
  source: string;
  room: string | undefined;
  mode: 'server' | 'browser';
}

export interface GestureMonitorEvents {
  /** Every processed frame of every gesture stage (cheap: landmarks and labels only). */
  observation: [observation: HandsObservation];
  /** gesture_start / gesture_end, as the stage emitted them. */
  event: [event: GestureEvent];
  /**
   * A video frame and what was seen in it (browser mode: the latest landmarks of its source), only for
   * sources someone asked frames of (see watchFrames).
   */
  frame: [frame: VideoFrame, observation: HandsObservation | undefined];
  sources: [sources: GestureSourceInfo[]];
}

/**
 * The in-process meeting point between gesture stages (run by the pipeline engine) and the gestures
 * feature (UI, rules): stages report what they see here; the feature forwards live observations to the
 * Gestures page and hands landmarks from capture pages (browser mode) to the stage of that source.
 * Events for rules travel on the event bus, not through this.
 */
export class GestureMonitor extends EventEmitter<GestureMonitorEvents> {
  private readonly active = new Map<string, GestureSourceInfo & { stages: number }>();
  private readonly inboxes = new Map<string, Set<(landmarks: BrowserLandmarks) => void>>();
  private readonly frameWatchers = new Map<string, number>();

  /** A stage started for `source`; returns a function to call when it stops. */
  attach(info: GestureSourceInfo): () => void {
    const existing = this.active.get(info.source);
    this.active.set(info.source, { ...info, stages: (existing?.stages ?? 0) + 1 });
    this.emit('sources', this.sources());
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      const entry = this.active.get(info.source);
      if (entry && --entry.stages <= 0) this.active.delete(info.source);
      this.emit('sources', this.sources());
    };
  }

  sources(): GestureSourceInfo[] {
    return [...this.active.values()].map(({ source, room, mode }) => ({ source, room, mode }));
  }

  /** Browser mode: a stage receives the landmarks capture pages send for its source. */
  receiveLandmarks(source: string, handler: (landmarks: BrowserLandmarks) => void): () => void {
    const handlers = this.inboxes.get(source) ?? new Set();
    handlers.add(handler);
    this.inboxes.set(source, handlers);
    return () => {
      handlers.delete(handler);
      if (!handlers.size) this.inboxes.delete(source);
    };
  }

  /** Hand landmarks from a capture page to the stage(s) of `source`; false when no browser-mode stage runs for it. */
  deliverLandmarks(source: string, landmarks: BrowserLandmarks): boolean {
    const handlers = this.inboxes.get(source);
    if (!handlers?.size) return false;
    for (const handler of handlers) handler(landmarks);
    return true;
  }

  /** Ask stages for the video frames of `source` (the UI's live picture); returns the undo. */
  watchFrames(source: string): () => void {
    this.frameWatchers.set(source, (this.frameWatchers.get(source) ?? 0) + 1);
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      const left = (this.frameWatchers.get(source) ?? 1) - 1;
      if (left <= 0) this.frameWatchers.delete(source);
      else this.frameWatchers.set(source, left);
    };
  }

  wantsFrames(source: string): boolean {
    return this.frameWatchers.has(source);
  }
}

/** The process's one monitor: stages are created by the pipeline engine from config, with no handle to features. */
export const gestureMonitor = new GestureMonitor();
gestureMonitor.setMaxListeners(0);
