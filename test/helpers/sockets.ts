import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

export type ConnectError = Error & { data?: { message?: string; retryAfterSeconds?: number } };

/** Connect to a namespace; resolves with the socket, or with the connect_error it was refused with. */
export function trySocket(
  url: string,
  token: string | undefined,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<{ socket: Socket; error?: ConnectError }> {
  return new Promise((resolve) => {
    const socket = io(url, { auth: token ? { token } : {}, reconnection: false, transports: ['websocket'], ...options });
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error: ConnectError) => {
      socket.close();
      resolve({ socket, error });
    });
  });
}

/** Connect or throw. */
export async function connectSocket(url: string, token: string, options: Partial<ManagerOptions & SocketOptions> = {}): Promise<Socket> {
  const { socket, error } = await trySocket(url, token, options);
  if (error) throw new Error(`socket to ${url} refused: ${error.message}`);
  return socket;
}
