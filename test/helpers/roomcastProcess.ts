import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';
import { waitFor } from './wait.ts';
import type { Role } from '../../server/protocol/roles.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ROOMCAST_BIN = path.join(PROJECT_ROOT, 'server/cli/roomcast.mjs');

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

/** A real `roomcast start` child process on a free port with its own data dir (and private Redis). */
export interface RoomcastProcess {
  url: string;
  port: number;
  dataDir: string;
  adminToken: string;
  /** Everything the process printed (stdout + stderr), across restarts. */
  output(): string;
  pid(): number | undefined;
  /** Stop the process (default SIGTERM); resolves with its exit code. Keeps the data dir. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Start again on the same port and data dir; resolves when /readyz says ready. */
  start(): Promise<void>;
  createToken(role: Role, label?: string): Promise<string>;
  api(pathname: string, init?: { method?: string; token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** Stop and delete the data dir. */
  dispose(): Promise<void>;
}

export interface StartRoomcastOptions {
  env?: Record<string, string>;
  dataDir?: string;
  port?: number;
  /** Written to a roomcast.yaml next to the data dir and passed with ROOMCAST_CONFIG. */
  configYaml?: string;
  /** Set false when the Redis already has an admin token (a second process on a shared REDIS_URL). */
  expectAdminLink?: boolean;
}

export async function startRoomcast(options: StartRoomcastOptions = {}): Promise<RoomcastProcess> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'roomcast-test-'));
  const dataDir = options.dataDir ?? path.join(root, 'data');
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ROOMCAST_HOST: '127.0.0.1',
    ROOMCAST_PORT: String(port),
    ROOMCAST_DATA_DIR: dataDir,
    ROOMCAST_LOG__PRETTY: 'false',
    ROOMCAST_LOG__LEVEL: 'debug',
    ...options.env,
  };
  delete env.REDIS_URL;
  if (options.env?.REDIS_URL) env.REDIS_URL = options.env.REDIS_URL;
  if (options.configYaml !== undefined) {
    const file = path.join(root, 'roomcast.yaml');
    writeFileSync(file, options.configYaml);
    env.ROOMCAST_CONFIG = file;
  }
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  let child: ChildProcess | undefined;
  let adminToken = '';

  const start = async () => {
    const proc = spawn(process.execPath, [ROOMCAST_BIN, 'start'], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    let exited = false;
    proc.once('exit', () => (exited = true));
    await waitFor(
      `roomcast on ${url} to be ready`,
      async () => {
        if (exited) throw new Error(`roomcast exited during start:\n${output.slice(-3000)}`);
        const res = await fetch(`${url}/readyz`).catch(() => undefined);
        return res?.status === 200;
      },
      30_000,
      50,
    ).catch((err: Error) => {
      if (exited) throw err;
      throw new Error(`${err.message}\n--- output ---\n${output.slice(-3000)}`);
    });
    const match = /#token=(rct_[A-Za-z0-9_-]+)/.exec(output);
    if (match) adminToken ||= match[1]!;
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return proc?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill(signal);
    return exited;
  };

  const api: RoomcastProcess['api'] = async (pathname, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? adminToken : init.token;
    if (token) headers['authorization'] = `Bearer ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${pathname}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers };
  };

  try {
    await start();
    if (!adminToken && options.expectAdminLink !== false && !options.dataDir) throw new Error(`no admin login URL in the output of a first start:\n${output}`);
  } catch (err) {
    // Never leave a half-started server behind a failed test.
    await stop('SIGKILL');
    rmSync(root, { recursive: true, force: true });
    throw err;
  }

  return {
    url,
    port,
    dataDir,
    get adminToken() {
      return adminToken;
    },
    output: () => output,
    pid: () => child?.pid,
    stop,
    start,
    async createToken(role, label) {
      const res = await api('/api/tokens', { method: 'POST', body: { role, ...(label ? { label } : {}) } });
      if (res.status !== 201) throw new Error(`token creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    api,
    async dispose() {
      await stop('SIGTERM');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
