import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { useLiveSocket, type LiveLinkState } from '../../control/useLiveSocket.ts';
import {
  GESTURE_NAMESPACE,
  type GestureClientToServerEvents,
  type GestureEvent,
  type GestureRuleView,
  type GestureServerToClientEvents,
  type GestureSnapshot,
  type HandsObservation,
} from '../../../../server/protocol/gestureEvents.ts';

type GestureSocket = Socket<GestureServerToClientEvents, GestureClientToServerEvents>;

export type GestureLinkState = LiveLinkState;

export interface GestureSourceView {
  source: string;
  room: string | undefined;
  mode: 'server' | 'browser';
}

export interface RuleFiringView {
  rule: number;
  event: GestureEvent;
  ok: boolean;
  error?: string | undefined;
  at: number;
}

export interface GesturesConnection {
  link: GestureLinkState;
  detail: string;
  sources: GestureSourceView[];
  rules: GestureRuleView[];
  /** The watched source (null: none). */
  watching: string | null;
  watch(source: string | null): void;
  /** Latest observation of the watched source (snapshots carry their own). */
  observation: HandsObservation | null;
  snapshot: { bitmap: ImageBitmap; meta: Omit<GestureSnapshot, 'jpeg'> } | null;
  /** Most recent first. */
  events: GestureEvent[];
  firings: RuleFiringView[];
}

const SNAPSHOT_FPS = 5;
const KEEP_EVENTS = 30;

/**
 * The `/gestures` socket: sources and rules on connect, then for the watched source every processed
 * frame's hands (up to 15/s), JPEG snapshots with the hands seen in them (5/s) and gesture events. The
 * latest observation is applied once per animation frame.
 */
export function useGestures(token: string): GesturesConnection {
  const [sources, setSources] = useState<GestureSourceView[]>([]);
  const [rules, setRules] = useState<GestureRuleView[]>([]);
  const [watching, setWatching] = useState<string | null>(null);
  const [observation, setObservation] = useState<HandsObservation | null>(null);
  const [snapshot, setSnapshot] = useState<GesturesConnection['snapshot']>(null);
  const [events, setEvents] = useState<GestureEvent[]>([]);
  const [firings, setFirings] = useState<RuleFiringView[]>([]);
  // A snapshot's bitmap is freed once the next one is on screen (this cleanup runs after the children
  // drew the new one), never while something may still draw it: drawing a closed bitmap throws.
  useEffect(() => () => snapshot?.bitmap.close(), [snapshot]);
  const watchingRef = useRef<string | null>(null);

  const { link, detail, socket: socketRef } = useLiveSocket<GestureSocket>(GESTURE_NAMESPACE, token, {
    lostDetail: 'Lost the live connection.',
    // Watching is per connection: ask again after a reconnect.
    onConnect(socket) {
      if (watchingRef.current) socket.emit('gesture:watch', { source: watchingRef.current, snapshotFps: SNAPSHOT_FPS }, () => undefined);
    },
    attach(socket) {
      let pending: HandsObservation | null = null;
      let raf = 0;
      const flush = () => {
        raf = 0;
        setObservation(pending);
      };
      socket.on('gesture:sources', setSources);
      socket.on('gesture:rules', setRules);
      socket.on('gesture:hands', (observation) => {
        if (observation.source !== watchingRef.current) return;
        pending = observation;
        if (!raf) raf = requestAnimationFrame(flush);
      });
      socket.on('gesture:snapshot', (snap) => {
        if (snap.source !== watchingRef.current) return;
        const { jpeg, ...meta } = snap;
        void createImageBitmap(new Blob([jpeg], { type: 'image/jpeg' }))
          .then((bitmap) => setSnapshot({ bitmap, meta }))
          .catch(() => undefined);
      });
      socket.on('gesture:event', (event) => setEvents((previous) => [event, ...previous].slice(0, KEEP_EVENTS)));
      socket.on('gesture:fired', (firing) => setFirings((previous) => [{ ...firing, at: Date.now() }, ...previous].slice(0, KEEP_EVENTS)));
      return () => cancelAnimationFrame(raf);
    },
  });

  const watch = useCallback((source: string | null) => {
    watchingRef.current = source;
    setWatching(source);
    setObservation(null);
    setSnapshot(null);
    socketRef.current?.emit('gesture:watch', { source, snapshotFps: SNAPSHOT_FPS }, () => undefined);
  }, []);

  return {
    link,
    detail,
    sources,
    rules,
    watching,
    watch,
    observation,
    snapshot,
    events,
    firings,
  };
}
