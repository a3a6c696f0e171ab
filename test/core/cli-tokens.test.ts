import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOMCAST_BIN, startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { connectSocket } from '../helpers/sockets.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'roomcast-cli-'));
const dataDir = path.join(root, 'data');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [ROOMCAST_BIN, ...args], { encoding: 'utf8', cwd: root, env: { PATH: process.env.PATH, ROOMCAST_DATA_DIR: dataDir } });
let server: RoomcastProcess | undefined;

afterAll(async () => {
  await server?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('roomcast token', () => {
  let operatorToken = '';

  it('creates a token while the server is stopped (starting the private Redis just for that)', () => {
    const res = cli('token', 'create', '--role', 'operator', '--label', 'stream deck');
    expect(res.status).toBe(0);
    operatorToken = res.stdout.trim();
    expect(operatorToken).toMatch(/^rct_[A-Za-z0-9_-]{43}$/);
    expect(res.stderr).toMatch(/Created operator token [0-9a-f]{8}\. It is shown only once/);
  });

  it('rejects an unknown role with the allowed ones', () => {
    const res = cli('token', 'create', '--role', 'root');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/Allowed choices are overlay, operator, admin/);
  });

  it('the token works once the server starts, and list shows it without the token itself', async () => {
    server = await startRoomcast({ dataDir });
    expect((await server.api('/api/whoami', { token: operatorToken })).body.role).toBe('operator');
    const list = cli('token', 'list');
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/\toperator\t.*\tstream deck/);
    expect(list.stdout).not.toContain('rct_');
  });

  it('revoking while the server runs disconnects sockets using that token', async () => {
    const socket = await connectSocket(`${server!.url}/control`, operatorToken);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const id = /^([0-9a-f]{8})\toperator/m.exec(cli('token', 'list').stdout)![1]!;
    const res = cli('token', 'revoke', id);
    expect(res.status).toBe(0);
    expect(await disconnected).toBe('io server disconnect');
    expect((await server!.api('/api/whoami', { token: operatorToken })).status).toBe(401);
    expect(cli('token', 'revoke', 'nope0000').status).toBe(1);
  });
});
