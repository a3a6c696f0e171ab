import { useEffect, useRef, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
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

export type LightsLinkState = 'connecting' | 'live' | 'reconnecting' | 'refused';

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
  const [link, setLink] = useState<LightsLinkState>('connecting');
  const [detail, setDetail] = useState('');
  const [snapshot, setSnapshot] = useState<LightsSnapshot | null>(null);
  const [levels, setLevels] = useState<Record<string, LightsFixtureLevels>>({});
  const [firings, setFirings] = useState<LightsFiringView[]>([]);
  const socketRef = useRef<LightsSocket | null>(null);

  useEffect(() => {
    const socket: LightsSocket = io(NAMESPACE, {
      auth: { token },
      reconnection: true,
      reconnectionAttempts: Infinity,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      timeout: 10_000,
    });
    socketRef.current = socket;
    let pending: Record<string, LightsFixtureLevels> | null = null;
    let raf = 0;
    const flush = () => {
      raf = 0;
      const batch = pending;
      pending = null;
      if (batch) setLevels((previous) => ({ ...previous, ...batch }));
    };

    socket.on('connect', () => {
      setLink('live');
      setDetail('');
    });
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
    socket.on('disconnect', () => {
      setLink('reconnecting');
      setDetail('Lost the live connection; showing the last known state.');
      if (!socket.active) setTimeout(() => socket.connect(), 2_000);
    });
    socket.on('connect_error', (error) => {
      if (!socket.active) {
        setLink('refused');
        setDetail(`The server refused the live connection: ${error.message}`);
        return;
      }
      setLink('reconnecting');
      setDetail('Cannot reach the server.');
    });
    return () => {
      if (raf) cancelAnimationFrame(raf);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [token]);

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
