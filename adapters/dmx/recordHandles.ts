import dgram, { type Socket } from 'node:dgram';

/** The UDP sockets and interval timers some library code created while it ran. */
export interface RecordedHandles {
  sockets: Socket[];
  intervals: NodeJS.Timeout[];
}

/**
 * Run `build` (synchronous library code) and record every UDP socket and interval timer it creates, calling
 * `onSocket` on each socket before the library uses it. dmxnet (under dmx-ts's Art-Net driver) opens a
 * listener, a broadcast socket and a 30 s timer in its constructor and keeps no handle on the timer, and
 * its send callbacks `throw` on error: without this, its sockets and timer outlive `close()` and one
 * unreachable host crashes the server. The patch lasts only for the synchronous call.
 */
export function recordHandles<T>(build: () => T, onSocket: (socket: Socket) => void = () => {}): { value: T; handles: RecordedHandles } {
  const handles: RecordedHandles = { sockets: [], intervals: [] };
  const createSocket = dgram.createSocket;
  const setIntervalBefore = globalThis.setInterval;
  dgram.createSocket = ((...args: Parameters<typeof dgram.createSocket>) => {
    const socket = createSocket(...args);
    handles.sockets.push(socket);
    onSocket(socket);
    return socket;
  }) as typeof dgram.createSocket;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    const timer = setIntervalBefore(...args);
    handles.intervals.push(timer);
    return timer;
  }) as typeof setInterval;
  try {
    return { value: build(), handles };
  } finally {
    dgram.createSocket = createSocket;
    globalThis.setInterval = setIntervalBefore;
  }
}

/** Close a UDP socket and wait until it is gone (no-op if already closed). */
export function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // ERR_SOCKET_DGRAM_NOT_RUNNING: already closed
    }
  });
}

/** Bind an unbound UDP socket to an ephemeral port now, so the first packet doesn't wait for an implicit bind. */
export async function bindEphemeral(socket: Socket, address?: string): Promise<void> {
  try {
    socket.address();
    return; // already bound
  } catch {
    /* not bound yet */
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}
