import { useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { useLiveSocket, type LiveLinkState } from '../../control/useLiveSocket.ts';
import {
  LIGHTS_NAMESPACE,
  type LightsAck,
  type LightsClientToServerEvents,
  type LightsFiringView,
  type LightsFixtureLevels,
  type LightsServerToClientEvents,
  type LightsSnapshot,
} from '../../../../server/protocol/lightsEvents.ts';

type LightsSocket = Socket<LightsServerToClientEvents, LightsClientToServerEvents>;

export type LightsLinkState = LiveLinkState;

export interface LightsConnection {
  link: LightsLinkState;
  detail: string;
  /** Null until the first snapshot. */
  snapshot: LightsSnapshot | null;
  /** Latest levels per fixture (0..255 per attribute). */
  levels: Record<string, LightsFixtureLevels>;
  firings: LightsFiringView[];
  /** Fire over the socket (operator role). */
  fire(request: unknown): Promise<LightsAck<LightsFiringView>>;
  stop(request: unknown): Promise<LightsAck<LightsFiringView[]>>;
}

const NAMESPACE = LIGHTS_NAMESPACE;

/**
 * The `/lights` socket: a snapshot on (re)connect, then only the fixtures whose output changed. Levels
 * arrive up to 25 times a second: they are batched into one state update per animation frame.
 */
export function useLights(token: string): LightsConnection {
  const [snapshot, setSnapshot] = useState<LightsSnapshot | null>(null);
  const [levels, setLevels] = useState<Record<string, LightsFixtureLevels>>({});
  const [firings, setFirings] = useState<LightsFiringView[]>([]);
  const { link, detail, socket: socketRef } = useLiveSocket<LightsSocket>(NAMESPACE, token, {
    lostDetail: 'Lost the live connection; showing the last known state.',
    attach(socket) {
      let pending: Record<string, LightsFixtureLevels> | null = null;
      let raf = 0;
      const flush = () => {
        raf = 0;
        const batch = pending;
        pending = null;
        if (batch) setLevels((previous) => ({ ...previous, ...batch }));
      };
      socket.on('lights:snapshot', (snap) => {
        setSnapshot(snap);
        setLevels(snap.levels);
        setFirings(snap.firings);
      });
      socket.on('lights:frame', (frame) => {
        pending = pending ? Object.assign(pending, frame.levels) : { ...frame.levels };
        if (!raf) raf = requestAnimationFrame(flush);
      });
      socket.on('lights:firings', (list) => setFirings(list));
      return () => cancelAnimationFrame(raf);
    },
  });

  const emitWithTimeout = <T,>(event: 'lights:fire' | 'lights:stop', request: unknown): Promise<LightsAck<T>> =>
    new Promise((resolve) => {
      const socket = socketRef.current;
      if (!socket?.connected) {
        resolve({ ok: false, error: 'Not connected to the server.' });
        return;
      }
      socket.timeout(8_000).emit(event, request, ((error: Error | null, result: LightsAck<T>) => {
        resolve(error ? { ok: false, error: 'The server did not answer in time.' } : result);
      }) as never);
    });

  return {
    link,
    detail,
    snapshot,
    levels,
    firings,
    fire: (request) => emitWithTimeout<LightsFiringView>('lights:fire', request),
    stop: (request) => emitWithTimeout<LightsFiringView[]>('lights:stop', request),
  };
}
