import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObsController } from '../../adapters/obs/ObsController.ts';
import { ObsConfigSchema, type ObsConfig } from '../../adapters/obs/obsConfig.ts';
import type { ObsStatus } from '../../adapters/obs/ObsTypes.ts';
import { createLogger } from '../../server/log/logger.ts';
import { freePort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait.ts';
import { startObs, type ObsPeer, type ObsTestScenes } from '../peers/obs.ts';

// The OBS service in-process, against a real OBS: what arrives at OBS as one batch when several
// actions start together, and the connection's reasons and shutdown.
const logger = createLogger({ level: 'silent' });
let obs: ObsPeer;
let s: ObsTestScenes;
const controllers: ObsController[] = [];

function controller(config: Partial<ObsConfig>): ObsController {
  const c = new ObsController(ObsConfigSchema.parse({ enabled: true, reconnect: { initialDelayMs: 50, maxDelayMs: 200 }, ...config }), logger);
  controllers.push(c);
  c.start();
  return c;
}

const connected = (c: ObsController) => waitFor('the controller to connect', () => c.status().state === 'connected');
const batches = (from: number) => obs.received().slice(from).filter((m) => m.op === 8).map((m) => (m.d.requests ?? []).map((r) => r.requestType));

beforeAll(async () => {
  obs = await startObs({ debug: true });
  s = await obs.seedTestScenes();
});

afterAll(async () => {
  for (const c of controllers) await c.stop();
  await obs?.stop();
});

describe('ObsController against a real OBS', () => {
  it('actions started in the same event-loop turn travel as one RequestBatch; awaited one by one, as one each', async () => {
    const c = controller({ url: obs.url, password: obs.password });
    await connected(c);

    let from = obs.received().length;
    await Promise.all([
      c.run({ type: 'obs.scene', scene: s.other }),
      c.run({ type: 'obs.text', source: s.text, text: 'together' }),
      c.run({ type: 'obs.filter', source: s.text, filter: s.filter, enabled: false }),
    ]);
    await waitFor('OBS to log the batch', () => batches(from).length >= 1);
    expect(batches(from)).toEqual([['SetCurrentProgramScene', 'SetInputSettings', 'SetSourceFilterEnabled']]);
    expect((await obs.call('GetCurrentProgramScene')).currentProgramSceneName).toBe(s.other);
    expect((await obs.call('GetInputSettings', { inputName: s.text })).inputSettings['text']).toBe('together');
    expect((await obs.call('GetSourceFilter', { sourceName: s.text, filterName: s.filter })).filterEnabled).toBe(false);

    from = obs.received().length;
    await c.run({ type: 'obs.scene', scene: s.main });
    await c.run({ type: 'obs.text', source: s.text, text: 'apart' });
    await waitFor('OBS to log both batches', () => batches(from).length >= 2);
    expect(batches(from)).toEqual([['SetCurrentProgramScene'], ['SetInputSettings']]);
  });

  it('one refused action in a same-turn group fails alone', async () => {
    const c = controller({ url: obs.url, password: obs.password });
    await connected(c);
    const [bad, good] = await Promise.allSettled([
      c.run({ type: 'obs.media.restart', source: 'No Such Media' }),
      c.run({ type: 'obs.text', source: s.text, text: 'unaffected' }),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { status: 404, message: expect.stringMatching(/^OBS refused restart media "No Such Media" \(TriggerMediaInputAction, code 600\)/) } });
    expect(good.status).toBe('fulfilled');
    expect((await obs.call('GetInputSettings', { inputName: s.text })).inputSettings['text']).toBe('unaffected');
  });

  it('without a password while OBS requires one, the reason says to set obs.password', async () => {
    const c = controller({ url: obs.url });
    await waitFor('the missing password to be reported', () => c.status().reason?.startsWith('OBS requires a password: set obs.password (or ROOMCAST_OBS__PASSWORD)'));
    expect(c.status().state).toBe('disconnected');
    await expect(c.run({ type: 'obs.scene', scene: s.main })).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/^OBS is not connected \(OBS requires a password/) });
  });

  it('reports every status change, and stop() ends the reconnect loop at once', async () => {
    const port = await freePort();
    const c = controller({ url: `ws://127.0.0.1:${port}`, password: 'irrelevant' });
    const seen: Array<ObsStatus & { at: number }> = [];
    c.on('status', (st) => seen.push({ ...st, at: Date.now() }));
    await waitFor('three failed attempts', () => c.status().failedAttempts >= 3);
    // Backoff doubles up to maxDelayMs: 50, 100, 200, 200...
    const delays = seen.filter((st) => st.nextAttemptAt).map((st) => st.nextAttemptAt! - st.at);
    expect(delays.slice(0, 3).map((d) => Math.round(d / 50) * 50)).toEqual([50, 100, 200]);

    const started = performance.now();
    await c.stop();
    expect(performance.now() - started).toBeLessThan(200);
    const attempts = c.status().failedAttempts;
    await new Promise((r) => setTimeout(r, 500));
    expect(c.status()).toMatchObject({ state: 'disconnected', reason: 'stopped', failedAttempts: attempts });
  });

  it('a server that accepts but never answers: the handshake times out with a reason, and stop() does not wait for it', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const c = controller({ url: `ws://127.0.0.1:${port}`, requestTimeoutMs: 300, reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
      await waitFor('the timeout to be reported', () => c.status().reason === `no answer from ws://127.0.0.1:${port} within 300 ms (is it OBS's WebSocket server, obs-websocket 5?)`);
      // Mid-handshake (the next attempt starts 10 ms after a failure): stop() cuts it short.
      await waitFor('a handshake in progress', () => sockets.some((socket) => !socket.destroyed && socket.bytesRead > 0));
      const started = performance.now();
      await c.stop();
      expect(performance.now() - started).toBeLessThan(250);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('when disabled, commands and requests fail with "OBS control is off" and nothing connects', async () => {
    const c = new ObsController(ObsConfigSchema.parse({}), logger);
    c.start();
    expect(c.status()).toMatchObject({ enabled: false, state: 'disabled', url: 'ws://127.0.0.1:4455' });
    await expect(c.run({ type: 'obs.scene', scene: 'x' })).rejects.toMatchObject({ status: 503, code: 'obs_disabled', message: expect.stringMatching(/^OBS control is off/) });
    await expect(c.call('GetSceneList')).rejects.toMatchObject({ code: 'obs_disabled' });
    await c.stop();
  });
});

describe('obs config', () => {
  it('is strict, defaulted, and explains bad values', () => {
    expect(ObsConfigSchema.parse({})).toEqual({ enabled: false, url: 'ws://127.0.0.1:4455', reconnect: { initialDelayMs: 500, maxDelayMs: 10_000 }, requestTimeoutMs: 5_000 });
    const bad = ObsConfigSchema.safeParse({ url: 'http://obs:4455', reconnect: { initialDelayMs: 1000, maxDelayMs: 100 }, pasword: 'x' });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'url: must be a ws:// or wss:// URL, e.g. ws://127.0.0.1:4455',
        expect.stringMatching(/^: Unrecognized key: "pasword"/),
      ]),
    );
    const order = ObsConfigSchema.safeParse({ reconnect: { initialDelayMs: 1000, maxDelayMs: 100 } });
    expect(order.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['reconnect.maxDelayMs: maxDelayMs must be at least initialDelayMs']);
  });
});
