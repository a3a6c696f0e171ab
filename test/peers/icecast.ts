import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * A private Icecast 2.4 for one test file: a temp config listening on 127.0.0.1:<free port>, logs and
 * pid in a temp dir. Icecast refuses to run as root, so as root it switches to the Debian package's
 * icecast2:icecast user (`<changeowner>`), which must own the temp dir.
 */
export interface IcecastPeer {
  readonly host: string;
  readonly port: number;
  /** Icecast's `<source-password>` (user `source`). */
  readonly sourcePassword: string;
  /** Listen to a mount for `ms` (as a player would) and return the bytes received. */
  listen(mount: string, ms: number): Promise<{ status: number; contentType: string | undefined; body: Buffer }>;
  /** `/admin/stats` (XML): sources and listeners. */
  stats(): Promise<string>;
  /** Mounts with a source connected right now. */
  liveMounts(): Promise<string[]>;
  output(): string;
  stop(): Promise<void>;
}

const SETPRIV = '/usr/bin/setpriv';

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export async function startIcecast(options: { sourcePassword?: string } = {}): Promise<IcecastPeer> {
  const host = '127.0.0.1';
  const port = await freePort();
  const sourcePassword = options.sourcePassword ?? randomBytes(9).toString('base64url');
  const adminPassword = randomBytes(9).toString('base64url');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-icecast-'));
  mkdirSync(path.join(dir, 'log'));
  const asRoot = process.getuid?.() === 0;
  const config = `<icecast>
  <location>test</location><admin>test@localhost</admin>
  <limits><clients>20</clients><sources>8</sources><queue-size>524288</queue-size><burst-size>65536</burst-size><source-timeout>10</source-timeout></limits>
  <authentication>
    <source-password>${xmlEscape(sourcePassword)}</source-password>
    <admin-user>admin</admin-user><admin-password>${xmlEscape(adminPassword)}</admin-password>
  </authentication>
  <hostname>${host}</hostname>
  <listen-socket><port>${port}</port><bind-address>${host}</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir><logdir>${dir}/log</logdir><pidfile>${dir}/icecast.pid</pidfile>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>-</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>${asRoot ? '<changeowner><user>icecast2</user><group>icecast</group></changeowner>' : ''}</security>
</icecast>
`;
  const configFile = path.join(dir, 'icecast.xml');
  writeFileSync(configFile, config, { mode: 0o600 });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'icecast2']).toString().trim());
    const gid = Number(execFileSync('getent', ['group', 'icecast']).toString().split(':')[2]);
    for (const p of [dir, path.join(dir, 'log'), configFile]) chownSync(p, uid, gid);
  }

  const [file, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', 'icecast2', '-c', configFile]] : ['icecast2', ['-c', configFile]];
  const child: ChildProcess = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));

  const get = (pathname: string, auth?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host, port, path: pathname, headers: auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const stats = async () => (await get('/admin/stats', `admin:${adminPassword}`)).body;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await done;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(`icecast on ${host}:${port}`, async () => {
      if (exited) throw new Error(`icecast2 exited:\n${output}`);
      return (await get('/admin/stats', `admin:${adminPassword}`)).status === 200;
    }, 10_000, 100);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    host,
    port,
    sourcePassword,
    stats,
    async liveMounts() {
      return [...(await stats()).matchAll(/<source mount="([^"]+)">/g)].map((m) => m[1]!);
    },
    listen(mount, ms) {
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        const req = request({ host, port, path: mount }, (res) => {
          res.on('data', (d: Buffer) => chunks.push(d));
          const finish = () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks) });
          res.once('end', finish);
          setTimeout(() => {
            req.destroy();
            finish();
          }, ms);
        });
        req.on('error', (err) => (chunks.length ? undefined : reject(err)));
        req.end();
      });
    },
    output: () => output,
    stop,
  };
}
