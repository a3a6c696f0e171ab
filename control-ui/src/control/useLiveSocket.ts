import { useEffect, useRef, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';

export type LiveLinkState = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface LiveSocketOptions<S> {
  /** Shown while reconnecting after the link dropped (say what the page keeps showing meanwhile). */
  lostDetail: string;
  /** Puts the page's listeners on a new socket, once per socket; returns what to undo when it closes. */
  attach(socket: S): (() => void) | void;
  /** After every (re)connect: ask again for what lives per connection (a watch, a subscription). */
  onConnect?(socket: S): void;
}

export interface LiveSocket<S> {
  link: LiveLinkState;
  /** Why the link is not live (empty while live). */
  detail: string;
  /** The current socket (null between unmount and the next mount). */
  socket: { readonly current: S | null };
}

/**
 * A page's live link to one socket.io namespace with the session token: connects, reconnects by itself
 * (also after the server closed the socket on purpose), and says how the link stands and why. A token
 * the server refuses ends in `refused`: socket.io does not retry a refused handshake.
 */
export function useLiveSocket<S>(namespace: string, token: string, options: LiveSocketOptions<S>): LiveSocket<S> {
  const [link, setLink] = useState<LiveLinkState>('connecting');
  const [detail, setDetail] = useState('');
  const socketRef = useRef<S | null>(null);
  // The latest options without reconnecting when the page re-renders with new closures.
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const socket: Socket = io(namespace, {
      auth: { token },
      reconnection: true,
      reconnectionAttempts: Infinity,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 10_000,
      timeout: 10_000,
    });
    const typed = socket as unknown as S;
    socketRef.current = typed;
    const detach = optionsRef.current.attach(typed);
    let retry: ReturnType<typeof setTimeout> | undefined;
    socket.on('connect', () => {
      setLink('live');
      setDetail('');
      optionsRef.current.onConnect?.(typed);
    });
    socket.on('disconnect', () => {
      setLink('reconnecting');
      setDetail(optionsRef.current.lostDetail);
      // Closed by the server on purpose (shutdown, token revoked): socket.io does not retry that itself.
      if (!socket.active) retry = setTimeout(() => socket.connect(), 2_000);
    });
    socket.on('connect_error', (error) => {
      if (!socket.active) {
        setLink('refused');
        setDetail(error.message === 'forbidden' ? "This token's role may not use this page." : `The server refused the live connection: ${error.message}`);
        return;
      }
      setLink('reconnecting');
      setDetail('Cannot reach the server.');
    });
    return () => {
      clearTimeout(retry);
      detach?.();
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [namespace, token]);

  return { link, detail, socket: socketRef };
}
