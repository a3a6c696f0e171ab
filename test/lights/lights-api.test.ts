import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import type { LightsFrame, LightsSnapshot } from '../../server/protocol/lightsEvents.ts';
import { ATTR } from '../../adapters/lights/attributes.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { connectSocket, trySocket } from '../helpers/sockets.ts';
import { waitFor } from '../helpers/wait.ts';
import { maxInWindow, transitionTimes } from './flashCount.ts';

const CONFIG = `
lights:
  fixtures:
    - { id: left, name: Left par, profile: rgb-par-7ch, universe: 1, address: 1, groups: [front] }
    - { id: right, profile: rgb-par-7ch, universe: 1, address: 8, groups: [front] }
    - { id: strobe, profile: dimmer, universe: 2, address: 1, flashLimitOptOut: "dedicated strobe, audience warned" }
  baseLook: { all: { intensity: 0.2, colour: "#ffffff" } }
  scenes:
    blue: { all: { colour: blue, intensity: 1 } }
`;

/**
 * The lights API and the `/lights` socket against a real server: anyone with a token watches, operators
 * fire and stop, admins edit the patch (saved across restarts); every refusal says why.
 */
describe('lights API and /lights socket', () => {
  let rc: RoomcastProcess;
  let operator: string;
  let overlay: string;
  const sockets: Socket[] = [];

  const state = async (fixture: string) => {
    const res = await rc.api(`/api/lights/state/${fixture}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.levels as number[];
  };
  const fire = (body: unknown, token: string = operator) => rc.api('/api/lights/fire', { method: 'POST', token, body });
  const open = async (token: string) => {
    const socket = await connectSocket(`${rc.url}/lights`, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    rc = await startRoomcast({ configYaml: CONFIG });
    operator = await rc.createToken('operator');
    overlay = await rc.createToken('overlay');
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await rc?.dispose();
  });

  it('anyone with a token reads the rig: fixtures, effects, patch source and the flash-limit opt-out', async () => {
    expect((await rc.api('/api/lights', { token: null })).status).toBe(401);
    const res = await rc.api('/api/lights', { token: overlay });
    expect(res.status).toBe(200);
    const snap = res.body as LightsSnapshot;
    expect(snap.fixtures.map((f) => f.id)).toEqual(['left', 'right', 'strobe']);
    expect(snap.fixtures[0]).toMatchObject({ name: 'Left par', universe: 1, address: 1, profile: { id: 'rgb-par-7ch', footprint: 7 } });
    expect(snap.fixtures[2]!.flashLimitOptOut).toBe('dedicated strobe, audience warned');
    expect(snap.effects.map((e) => e.id)).toEqual(['solid', 'fade', 'flash', 'strobe', 'pulse', 'chase', 'rainbow', 'event-colour', 'scene']);
    expect(snap.patch.source).toBe('config');
    expect(snap.scenes).toEqual(['blue']);
    expect(snap.outputs).toEqual({ dmx: [], hue: [] });
    expect(snap.levels['left']!.levels[ATTR.intensity]).toBe(51); // base look: 0.2
    // The opt-out is in the server log as a warning too.
    expect(rc.output()).toMatch(/"level":40[^\n]*fixture \\"strobe\\": the photosensitive flash limiter is OFF/);
  });

  it('operators fire and stop effects; the overlay token may not; errors name the path or the known ids', async () => {
    const refused = await fire({ effect: 'solid', params: { colour: 'red' } }, overlay);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/needs the operator role; this token has the overlay role/);

    const bad = await fire({ effect: 'strobe', params: { rateHz: 400 }, targets: { fixtures: ['left'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([{ path: 'params.rateHz', message: expect.stringMatching(/25/) }]);
    const unknown = await fire({ effect: 'solid', targets: { fixtures: ['middle'] } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('unknown fixture "middle" (known: left, right, strobe)');

    const fired = await fire({ effect: 'solid', params: { colour: '#ff0000' }, targets: { groups: ['front'] }, durationMs: null });
    expect(fired.status, JSON.stringify(fired.body)).toBe(202);
    const id = fired.body.firing.id as string;
    await waitFor('left to turn red', async () => (await state('left'))[ATTR.green] === 0);
    expect((await state('left')).slice(0, 4)).toEqual([1, 1, 0, 0]);
    expect((await rc.api('/api/lights/firings', { token: overlay })).body.firings.map((f: { id: string }) => f.id)).toEqual([id]);

    expect((await rc.api(`/api/lights/firings/${id}`, { method: 'DELETE', token: overlay })).status).toBe(403);
    const stopped = await rc.api(`/api/lights/firings/${id}`, { method: 'DELETE', token: operator });
    expect(stopped.status).toBe(200);
    await waitFor('left back to its base look', async () => (await state('left'))[ATTR.intensity] === 0.2);
    expect((await rc.api('/api/lights/firings/nope', { method: 'DELETE', token: operator })).status).toBe(404);
  });

  it('the event-colour effect takes its colour from the request data (a donation tier)', async () => {
    const res = await fire({ effect: 'event-colour', params: { fadeMs: 0 }, targets: { fixtures: ['right'] }, data: { amount: 150 } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await waitFor('right to show the top tier (gold)', async () => {
      const levels = await state('right');
      return levels[ATTR.red] === 1 && Math.round(levels[ATTR.green]! * 255) === 0xc4 && levels[ATTR.blue] === 0;
    });
    await rc.api('/api/lights/stop', { method: 'POST', token: operator, body: { all: true, fadeOutMs: 0 } });
  });

  it('the /lights socket streams live levels to any token, and only operators may fire over it', async () => {
    expect((await trySocket(`${rc.url}/lights`, undefined)).error?.message).toBe('unauthorized');

    const watcher = await open(overlay);
    const frames: LightsFrame[] = [];
    watcher.on('lights:frame', (frame: LightsFrame) => frames.push(frame));
    const snapshot = (await watcher.timeout(5_000).emitWithAck('lights:snapshot')) as LightsSnapshot;
    expect(snapshot.fixtures).toHaveLength(3);

    const forbidden = await watcher.timeout(5_000).emitWithAck('lights:fire', { effect: 'solid' });
    expect(forbidden).toMatchObject({ ok: false, error: expect.stringMatching(/^forbidden: firing effects needs the operator role/) });

    const control = await open(operator);
    const invalid = await control.timeout(5_000).emitWithAck('lights:fire', { effect: 'solid', params: { colour: 'not-a-colour' } });
    expect(invalid).toMatchObject({ ok: false, issues: [{ path: 'params.colour' }] });
    const ok = await control.timeout(5_000).emitWithAck('lights:fire', { effect: 'solid', params: { colour: '#00ff00' }, targets: { fixtures: ['right'] }, durationMs: null });
    expect(ok).toMatchObject({ ok: true, result: { effect: 'solid', fixtures: ['right'] } });

    // The watcher sees the change arrive as a frame: right turns green (0..255 levels).
    await waitFor('a frame with right in green', () =>
      frames.some((f) => f.levels['right'] && f.levels['right'].levels[ATTR.green] === 255 && f.levels['right'].levels[ATTR.red] === 0),
    );
    const stopped = await control.timeout(5_000).emitWithAck('lights:stop', { firing: (ok as { result: { id: string } }).result.id, fadeOutMs: 0 });
    expect(stopped).toMatchObject({ ok: true, result: [{ state: 'releasing' }] });
    await waitFor('right back to white', () => frames.some((f) => f.levels['right']?.levels[ATTR.red] === 255 && f.levels['right'].levels[ATTR.green] === 255));
  });

  it('rules fire effects through the effect.fire action, validated with full paths', async () => {
    const types = (await rc.api('/api/actions', { token: operator })).body.types.map((t: { type: string }) => t.type);
    expect(types).toEqual(expect.arrayContaining(['effect.fire', 'effect.stop']));
    const bad = await rc.api('/api/actions/run', { method: 'POST', token: operator, body: { room: 'demo', action: { type: 'effect.fire', effect: 'chase', params: { direction: 'sideways' } } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['action.params.direction']);
    const unknown = await rc.api('/api/actions/run', { method: 'POST', token: operator, body: { room: 'demo', action: { type: 'effect.fire', effect: 'lava' } } });
    expect(unknown.body.error.issues[0]).toMatchObject({ path: 'action.effect', message: expect.stringMatching(/unknown effect "lava" \(known: solid, fade/) });

    const run = await rc.api('/api/actions/run', {
      method: 'POST',
      token: operator,
      body: { room: 'demo', action: { type: 'effect.fire', effect: 'scene', params: { scene: 'blue', fadeMs: 0 }, layer: 'mood' } },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    await waitFor('the blue scene on left', async () => (await state('left'))[ATTR.blue] === 1 && (await state('left'))[ATTR.red] === 0);
    const stop = await rc.api('/api/actions/run', { method: 'POST', token: operator, body: { room: 'demo', action: { type: 'effect.stop', layer: 'mood', fadeOutMs: 0 } } });
    expect(stop.status).toBe(202);
    await waitFor('left back to white', async () => (await state('left'))[ATTR.red] === 1);
  });

  it('preview renders an effect blind (nothing changes on the rig), flash limiting included', async () => {
    const res = await rc.api('/api/lights/preview', { method: 'POST', token: operator, body: { effect: 'strobe', params: { rateHz: 10 }, targets: { fixtures: ['left'] }, durationMs: 3_000, fps: 44 } });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.fixtures).toEqual(['left']);
    const samples = (res.body.frames as Array<{ t: number; levels: number[][] }>).map((f) => ({ t: f.t, v: f.levels[0]![ATTR.intensity]! }));
    expect(samples.length).toBeGreaterThan(100);
    expect(maxInWindow(transitionTimes(samples, 0.1, 0.8))).toBeLessThanOrEqual(6);
    expect((await rc.api('/api/lights/firings')).body.firings).toEqual([]);
    expect((await rc.api('/api/lights/preview', { method: 'POST', token: overlay, body: { effect: 'solid' } })).status).toBe(403);
  });

  it('admins edit the patch: overlaps refused naming both fixtures, edits saved across a restart, revert goes back to yaml', async () => {
    const overlap = { id: 'centre', profile: 'rgbw', universe: 1, address: 10 };
    expect((await rc.api('/api/lights/patch/fixtures/centre', { method: 'PUT', token: operator, body: overlap })).status).toBe(403);
    const refused = await rc.api('/api/lights/patch/fixtures/centre', { method: 'PUT', body: overlap });
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues).toEqual([
      { path: 'fixtures[3].address', message: 'fixture "centre" (universe 1, slots 10-13) overlaps fixture "right" (fixtures[1], slots 8-14)' },
    ]);
    const typo = await rc.api('/api/lights/patch/fixtures/centre', { method: 'PUT', body: { ...overlap, adress: 20 } });
    expect(typo.body.error.issues).toEqual([{ path: 'fixture.adress', message: 'unknown key (did you mean "address"?)' }]);

    const added = await rc.api('/api/lights/patch/fixtures/centre', { method: 'PUT', body: { ...overlap, address: 15, name: 'Centre wash' } });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.source).toBe('saved');
    await waitFor('the engine to have centre', async () => (await rc.api('/api/lights/state/centre')).status === 200);
    expect((await rc.api('/api/lights/patch/fixtures/strobe', { method: 'DELETE' })).status).toBe(200);

    await rc.stop();
    await rc.start();
    const after = await rc.api('/api/lights/patch', { token: overlay });
    expect(after.body.source).toBe('saved');
    expect(after.body.fixtures.map((f: { id: string }) => f.id)).toEqual(['left', 'right', 'centre']);
    expect(after.body.fixtures[2]).toMatchObject({ name: 'Centre wash', profile: 'rgbw', universe: 1, address: 15 });

    const reverted = await rc.api('/api/lights/patch', { method: 'DELETE' });
    expect(reverted.body.source).toBe('config');
    expect((await rc.api('/api/lights')).body.fixtures.map((f: { id: string }) => f.id)).toEqual(['left', 'right', 'strobe']);
  });
});
