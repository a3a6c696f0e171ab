import { useEffect, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import {
  PIPELINES_NAMESPACE,
  type PipelinesClientToServerEvents,
  type PipelinesServerToClientEvents,
  type PipelinesSnapshot,
} from '../../../../pipelines/protocol.ts';

type PipelinesSocket = Socket<PipelinesServerToClientEvents, PipelinesClientToServerEvents>;

export type PipelinesLinkState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface PipelinesConnection {
  link: PipelinesLinkState;
  detail: string;
  /** Null until the first snapshot; kept (stale) while reconnecting. */
  snapshot: PipelinesSnapshot | null;
  /** Epoch ms of the last snapshot. */
  at: number | null;
}

/** The `/pipelines` socket: a snapshot on connect, then one every second and after every change. */
export function usePipelines(token: string): PipelinesConnection {
  const [state, setState] = useState<PipelinesConnection>({ link: 'connecting', detail: '', snapshot: null, at: null });

  useEffect(() => {
    const socket: PipelinesSocket = io(PIPELINES_NAMESPACE, {
      auth: { token },
      reconnection: true,
      reconnectionAttempts: Infinity,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      timeout: 10_000,
    });
    let retry: ReturnType<typeof setTimeout> | undefined;
    socket.on('connect', () => setState((s) => ({ ...s, link: 'live', detail: '' })));
    socket.on('pipelines:snapshot', (snapshot) => setState((s) => ({ ...s, snapshot, at: Date.now() })));
    socket.on('disconnect', () => {
      setState((s) => ({ ...s, link: 'reconnecting', detail: 'Lost the live connection; showing the last figures received.' }));
      if (!socket.active) retry = setTimeout(() => socket.connect(), 2_000);
    });
    socket.on('connect_error', (error) => {
      if (!socket.active) {
        setState((s) => ({ ...s, link: 'refused', detail: `The server refused the live connection: ${error.message}` }));
        return;
      }
      setState((s) => ({ ...s, link: 'reconnecting', detail: 'Cannot reach the server.' }));
    });
    return () => {
      clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [token]);

  return state;
}
