import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { HealthEntry } from '../../server/protocol/health.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { connectSocket } from '../helpers/sockets.ts';
import { waitFor } from '../helpers/wait.ts';
import { OBS_TEST_SCENES as s, startObs, type ObsPeer } from '../peers/obs.ts';

// One Roomcast process for the whole file: OBS comes, goes, freezes and comes back underneath it.
const REQUEST_TIMEOUT_MS = 2_000;
let obs: ObsPeer;
let roomcast: RoomcastProcess;
let control: Socket;
/** Every adapter:obs health change, as the dashboard receives them. */
const changes: HealthEntry[] = [];

const configFor = (url: string) =>
  [
    'obs:',
    '  enabled: true',
    `  url: ${url}`,
    '  reconnect: { initialDelayMs: 100, maxDelayMs: 400 }',
    `  requestTimeoutMs: ${REQUEST_TIMEOUT_MS}`,
    '',
  ].join('\n');

async function obsHealth(server: RoomcastProcess): Promise<HealthEntry> {
  const { body } = await server.api('/api/health');
  return body.entries.find((e: HealthEntry) => e.name === 'adapter:obs');
}

/** Run an action through the API; with how long the server took to answer. */
async function timedRun(server: RoomcastProcess, action: Record<string, unknown>) {
  const started = performance.now();
  const res = await server.api('/api/actions/run', { method: 'POST', body: { room: 'demo', action } });
  return { ...res, ms: performance.now() - started };
}

beforeAll(async () => {
  obs = await startObs({ launch: false });
  roomcast = await startRoomcast({ configYaml: configFor(obs.url), env: { ROOMCAST_OBS__PASSWORD: obs.password } });
  control = await connectSocket(`${roomcast.url}/control`, roomcast.adminToken);
  control.on('health:update', (entry: HealthEntry) => {
    if (entry.name === 'adapter:obs') changes.push(entry);
  });
});

afterAll(async () => {
  control?.close();
  await roomcast?.dispose();
  await obs?.stop();
});

describe('the OBS link follows OBS coming and going, without restarting Roomcast', () => {
  it('before OBS runs: adapter:obs is down saying so, actions fail at once, the server is fine', async () => {
    const notRunning = `OBS is not running or the WebSocket server is off at ${obs.url}`;
    const health = await waitFor('adapter:obs to say OBS is not running', async () => {
      const entry = await obsHealth(roomcast);
      return entry.state === 'down' && entry.reason?.startsWith(notRunning) ? entry : undefined;
    });
    expect(health.critical).toBe(false);

    const res = await timedRun(roomcast, { type: 'obs.scene', scene: s.main });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('obs_unavailable');
    expect(res.body.error.message).toBe(`OBS is not connected (${health.reason}): switch to scene "Roomcast Main" not sent`);
    expect(res.ms).toBeLessThan(REQUEST_TIMEOUT_MS / 2);
    await waitFor('the failed action to be logged', () => /"action":"obs.scene".*OBS is not connected.*"msg":"action failed"/.test(roomcast.output()));

    const scenes = await roomcast.api('/api/obs/scenes');
    expect(scenes.status).toBe(503);
    expect(scenes.body.error.message).toContain(notRunning);
    expect((await fetch(`${roomcast.url}/readyz`)).status).toBe(200);
    expect((await roomcast.api('/api/obs/status')).body).toMatchObject({ state: 'disconnected', failedAttempts: expect.any(Number), nextAttemptAt: expect.any(Number) });
  });

  it('OBS started after Roomcast is picked up: ok, and actions work', async () => {
    const pid = roomcast.pid();
    await obs.launch();
    await obs.seedTestScenes();
    await waitFor('adapter:obs to be ok', async () => (await obsHealth(roomcast)).state === 'ok', 10_000);
    expect(roomcast.pid()).toBe(pid);

    const res = await timedRun(roomcast, { type: 'obs.scene', scene: s.other });
    expect(res.status).toBe(202);
    expect((await obs.call('GetCurrentProgramScene')).currentProgramSceneName).toBe(s.other);
  });

  it('OBS killed: degraded (connection lost), then down (not running); back to ok when it returns', async () => {
    const mark = changes.length;
    await obs.kill('SIGKILL');
    const down = await waitFor('adapter:obs to be down', async () => {
      const entry = await obsHealth(roomcast);
      return entry.state === 'down' ? entry : undefined;
    });
    expect(down.reason).toMatch(/^OBS is not running or the WebSocket server is off at ws:\/\/127\.0\.0\.1:\d+/);
    // The dashboard saw the drop first (degraded, with the cause), then the failed reconnects (down).
    const seen = changes.slice(mark).map((e) => `${e.state}: ${e.reason}`);
    expect(seen[0]).toMatch(new RegExp(`^degraded: lost the connection to OBS at ${obs.url} \\(code 1006\\); reconnecting$`));
    expect(seen[1]).toBe(`down: ${down.reason}`);

    const failed = await timedRun(roomcast, { type: 'obs.text', source: s.text, text: 'while down' });
    expect(failed.status).toBe(503);
    expect(failed.ms).toBeLessThan(REQUEST_TIMEOUT_MS / 2);

    await obs.launch();
    await waitFor('adapter:obs to be ok again', async () => (await obsHealth(roomcast)).state === 'ok', 10_000);
    await obs.seedTestScenes();
    const res = await timedRun(roomcast, { type: 'obs.text', source: s.text, text: 'back again' });
    expect(res.status).toBe(202);
    expect((await obs.call('GetInputSettings', { inputName: s.text })).inputSettings['text']).toBe('back again');
  });

  it('a frozen OBS: the request times out (never hangs) and health says OBS does not answer; a killed one fails the waiting request at once', async () => {
    obs.signal('SIGSTOP');
    try {
      const timedOut = await timedRun(roomcast, { type: 'obs.text', source: s.text, text: 'frozen' });
      expect(timedOut.status).toBe(504);
      expect(timedOut.body.error.message).toBe(`OBS did not answer set the text of "Roomcast Caption" within ${REQUEST_TIMEOUT_MS} ms`);
      expect(timedOut.ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      const degraded = await obsHealth(roomcast);
      expect(degraded).toMatchObject({ state: 'degraded', reason: `OBS is connected but did not answer within ${REQUEST_TIMEOUT_MS} ms (busy or frozen?)` });

      // A request waiting on the frozen OBS when it dies fails as soon as the socket closes.
      const waiting = timedRun(roomcast, { type: 'obs.scene', scene: s.main });
      await new Promise((r) => setTimeout(r, 300));
      await obs.kill('SIGKILL');
      const closed = await waiting;
      expect(closed.status).toBe(503);
      expect(closed.body.error.message).toMatch(/^OBS is not connected \(the connection closed before OBS answered \(code 1006\)\): switch to scene "Roomcast Main" not sent$/);
      expect(closed.ms).toBeLessThan(REQUEST_TIMEOUT_MS);
    } finally {
      if (obs.running) obs.signal('SIGCONT');
    }
    await obs.launch();
    await waitFor('adapter:obs to be ok after the relaunch', async () => (await obsHealth(roomcast)).state === 'ok', 10_000);
    expect((await timedRun(roomcast, { type: 'obs.scene', scene: s.main })).status).toBe(202);
  });
});

describe('a wrong password', () => {
  it('is named in the health reason and the action errors; neither password reaches the log', async () => {
    const wrong = `wrong-${obs.password.slice(0, 6)}-pw`;
    const server = await startRoomcast({ configYaml: configFor(obs.url), env: { ROOMCAST_OBS__PASSWORD: wrong } });
    try {
      const reason = 'authentication failed: check obs.password (it must match OBS > Tools > WebSocket Server Settings > Server Password)';
      await waitFor('adapter:obs to report the failed authentication', async () => {
        const entry = await obsHealth(server);
        return entry.state === 'down' && entry.reason === reason;
      });
      const res = await timedRun(server, { type: 'obs.scene', scene: s.main });
      expect(res.status).toBe(503);
      expect(res.body.error.message).toBe(`OBS is not connected (${reason}): switch to scene "Roomcast Main" not sent`);
      expect(server.output()).not.toContain(wrong);
      expect(roomcast.output()).not.toContain(obs.password);
    } finally {
      await server.dispose();
    }
  });
});
