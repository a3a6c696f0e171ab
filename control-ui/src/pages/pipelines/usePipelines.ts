import { useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { useLiveSocket, type LiveLinkState } from '../../control/useLiveSocket.ts';
import {
  PIPELINES_NAMESPACE,
  type PipelinesClientToServerEvents,
  type PipelinesServerToClientEvents,
  type PipelinesSnapshot,
} from '../../../../pipelines/protocol.ts';

type PipelinesSocket = Socket<PipelinesServerToClientEvents, PipelinesClientToServerEvents>;

export type PipelinesLinkState = LiveLinkState;

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
  const [live, setLive] = useState<{ snapshot: PipelinesSnapshot | null; at: number | null }>({ snapshot: null, at: null });
  const { link, detail } = useLiveSocket<PipelinesSocket>(PIPELINES_NAMESPACE, token, {
    lostDetail: 'Lost the live connection; showing the last figures received.',
    attach(socket) {
      socket.on('pipelines:snapshot', (snapshot) => setLive({ snapshot, at: Date.now() }));
    },
  });
  return { link, detail, ...live };
}
