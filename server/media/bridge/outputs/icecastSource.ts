import { connect, type Socket } from 'node:net';

export interface IcecastSourceOptions {
  host: string;
  port: number;
  username: string;
  password: string;
  mount: string;
  contentType: 'audio/ogg' | 'audio/mpeg';
  name?: string | undefined;
  description?: string | undefined;
  timeoutMs?: number;
}

/** Icecast refused the source (wrong password, mount in use) or could not be reached. */
export class IcecastSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IcecastSourceError';
  }
}

const headerValue = (text: string) => text.replace(/[\r\n]+/g, ' ').slice(0, 500);

/**
 * Log in to Icecast as a source for `mount` (HTTP PUT, Icecast >= 2.4) and resolve with the socket to
 * stream the encoded audio into. The password only ever travels in this request: never in a child's
 * argv (visible in `ps`) and never in logs.
 */
export function connectIcecastSource(o: IcecastSourceOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: o.host, port: o.port });
    const where = `icecast ${o.host}:${o.port}${o.mount}`;
    let head = '';
    const fail = (message: string) => {
      cleanup();
      socket.destroy();
      reject(new IcecastSourceError(message));
    };
    const timer = setTimeout(() => fail(`${where}: no answer within ${o.timeoutMs ?? 5_000} ms`), o.timeoutMs ?? 5_000);
    const onError = (err: Error) => fail(`${where}: ${err.message}`);
    const onClose = () => fail(`${where}: connection closed before the source was accepted`);
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 8_192) fail(`${where}: not an HTTP answer`);
        return;
      }
      const status = /^HTTP\/1\.[01] (\d{3})\s*(.*)$/m.exec(head.slice(0, head.indexOf('\r\n')));
      const code = Number(status?.[1]);
      if (code === 100 || code === 200) {
        cleanup();
        // Icecast may still send a `200 OK` after `100 Continue`; nothing else comes back on a source.
        socket.on('data', () => undefined);
        socket.setNoDelay(true);
        resolve(socket);
      } else if (code === 401) {
        fail(`${where}: login failed (401): check mediaBridge.icecast.username and password`);
      } else if (code === 403) {
        fail(`${where}: refused (403 ${status?.[2] || 'forbidden'}; is another source streaming to this mount?)`);
      } else {
        fail(`${where}: refused (${status ? `${status[1]} ${status[2]}` : head.slice(0, 80)})`);
      }
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('data', onData);
    };
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('data', onData);
    socket.once('connect', () => {
      const auth = Buffer.from(`${o.username}:${o.password}`).toString('base64');
      socket.write(
        [
          `PUT ${o.mount} HTTP/1.1`,
          `Host: ${o.host}:${o.port}`,
          `Authorization: Basic ${auth}`,
          'User-Agent: roomcast',
          `Content-Type: ${o.contentType}`,
          'Ice-Public: 0',
          ...(o.name ? [`Ice-Name: ${headerValue(o.name)}`] : []),
          ...(o.description ? [`Ice-Description: ${headerValue(o.description)}`] : []),
          'Expect: 100-continue',
          '',
          '',
        ].join('\r\n'),
      );
    });
  });
}
