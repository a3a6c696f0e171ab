import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { ChildSupervisor } from '../supervisor/ChildSupervisor.ts';
import { processAlive } from '../supervisor/processAlive.ts';

export interface EmbeddedRedisOptions {
  /** Roomcast's data directory; Redis keeps its AOF in `<dataDir>/redis`. */
  dataDir: string;
  binary: string;
  logger: Logger;
}

export interface EmbeddedRedisEvents {
  /** Redis answers PING (after the first start and after every restart). */
  ready: [];
  /** The redis-server process exited unexpectedly (the supervisor restarts it). */
  down: [reason: string];
}

// Unix socket paths are limited to 107 bytes; deep data directories get a short socket in /tmp instead.
const MAX_SOCKET_PATH = 100;

/** Send PING over the unix socket; resolves true on +PONG. Works without a Redis client library. */
export function pingUnixSocket(socketPath: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Roomcast's private Redis: a supervised `redis-server` on a unix socket (no TCP port to expose),
 * appending every write to an AOF in the data directory so state survives restarts.
 */
export class EmbeddedRedis extends EventEmitter<EmbeddedRedisEvents> {
  readonly dir: string;
  readonly socketPath: string;
  private readonly pidFile: string;
  private readonly supervisor: ChildSupervisor;
  private readonly logger: Logger;
  private readyWatch: AbortController | undefined;

  constructor(options: EmbeddedRedisOptions) {
    super();
    this.logger = options.logger.child({ component: 'embedded-redis' });
    this.dir = path.join(options.dataDir, 'redis');
    const socketInDir = path.join(this.dir, 'redis.sock');
    this.socketPath =
      Buffer.byteLength(socketInDir) <= MAX_SOCKET_PATH
        ? socketInDir
        : path.join(os.tmpdir(), `roomcast-redis-${createHash('sha256').update(this.dir).digest('hex').slice(0, 16)}.sock`);
    this.pidFile = path.join(this.dir, 'redis.pid');
    this.supervisor = new ChildSupervisor({
      name: 'redis',
      command: options.binary,
      args: [
        '--port', '0',
        '--unixsocket', this.socketPath,
        '--unixsocketperm', '700',
        '--dir', this.dir,
        '--pidfile', this.pidFile,
        '--daemonize', 'no',
        '--appendonly', 'yes',
        '--appendfsync', 'everysec',
        '--save', '',
        '--loglevel', 'warning',
        '--logfile', '',
      ],
      logger: this.logger,
      // redis prints its lifecycle at 'warning' level; only real problems deserve more than debug.
      onOutput: (line) => {
        const text = line.replace(/^\d+:[A-Z] /, '');
        const serious = /error|fail|can't|cannot|fatal/i.test(text) && !/overcommit/i.test(text);
        this.logger[serious ? 'warn' : 'debug']({ redis: text }, 'redis-server');
      },
    });
    this.supervisor.on('exit', ({ code, signal, expected }) => {
      if (!expected) this.emit('down', `redis-server exited (${signal ?? `code ${code}`}); restarting`);
    });
    this.supervisor.on('spawn', () => void this.waitUntilReady());
  }

  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  /** Start redis-server and resolve once it answers PING. */
  async start(timeoutMs = 10_000): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    await this.stopOrphan();
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('ready', onReady);
        reject(new Error(`the embedded redis-server did not answer on ${this.socketPath} within ${timeoutMs} ms (is redis-server installed? try: apt-get install redis-server)`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.once('ready', onReady);
    });
    this.supervisor.start();
    await ready;
  }

  private async waitUntilReady(): Promise<void> {
    this.readyWatch?.abort();
    const watch = new AbortController();
    this.readyWatch = watch;
    while (!watch.signal.aborted && this.supervisor.running) {
      if (await pingUnixSocket(this.socketPath)) {
        this.emit('ready');
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /**
   * A Roomcast killed with SIGKILL on a system without setpriv can leave its redis-server running. Its
   * data is ours (the data dir is locked by the Roomcast instance lock), so stop it cleanly; it flushes
   * its AOF on SIGTERM.
   */
  private async stopOrphan(): Promise<void> {
    if (!existsSync(this.pidFile)) return;
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) {
      rmSync(this.pidFile, { force: true });
      return;
    }
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      /* not Linux or already gone */
    }
    if (!cmdline.includes('redis-server') || !cmdline.includes(this.socketPath)) return;
    this.logger.warn({ pid }, 'stopping a redis-server left over from an earlier run');
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  }

  /** Stop redis-server; SIGTERM makes it fsync the AOF before exiting. */
  async stop(): Promise<void> {
    this.readyWatch?.abort();
    await this.supervisor.stop('SIGTERM');
  }
}
