import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { waitFor } from '../helpers/wait.ts';
import { startObs, type ObsPeer, type ObsTestScenes } from '../peers/obs.ts';

// One real OBS (under Xvfb, obs-websocket debug log on, so we see what arrived as one batch) and one
// Roomcast process configured for it; the password comes from the environment only.
let obs: ObsPeer;
let roomcast: RoomcastProcess;
let s: ObsTestScenes;

const run = (action: Record<string, unknown>) => roomcast.api('/api/actions/run', { method: 'POST', body: { room: 'demo', action } });

async function sceneItemEnabled(scene: string, source: string): Promise<boolean> {
  const { sceneItemId } = await obs.call('GetSceneItemId', { sceneName: scene, sourceName: source });
  return (await obs.call('GetSceneItemEnabled', { sceneName: scene, sceneItemId })).sceneItemEnabled;
}
const filterEnabled = async () => (await obs.call('GetSourceFilter', { sourceName: s.text, filterName: s.filter })).filterEnabled;
const programScene = async () => (await obs.call('GetCurrentProgramScene')).currentProgramSceneName;
const text = async () => (await obs.call('GetInputSettings', { inputName: s.text })).inputSettings['text'];

/** The RequestBatches OBS received after `from` (index into obs.received()), as lists of request types. */
function batchesSince(from: number): string[][] {
  return obs
    .received()
    .slice(from)
    .filter((m) => m.op === 8)
    .map((m) => (m.d.requests ?? []).map((r) => r.requestType));
}

async function mediaEnded(): Promise<boolean> {
  return (await obs.call('GetMediaInputStatus', { inputName: s.media })).mediaState === 'OBS_MEDIA_STATE_ENDED';
}

beforeAll(async () => {
  obs = await startObs({ debug: true });
  s = await obs.seedTestScenes();
  roomcast = await startRoomcast({
    configYaml: `obs:\n  enabled: true\n  url: ${obs.url}\n`,
    env: { ROOMCAST_OBS__PASSWORD: obs.password },
  });
  await waitFor('adapter:obs to be ok', async () => {
    const { body } = await roomcast.api('/api/health');
    return body.entries.find((e: { name: string }) => e.name === 'adapter:obs')?.state === 'ok';
  });
});

afterAll(async () => {
  await roomcast?.dispose();
  await obs?.stop();
});

describe('OBS actions for rules and effects, read back from OBS', () => {
  beforeEach(async () => {
    // A known starting point, set through OBS directly.
    await obs.call('SetCurrentProgramScene', { sceneName: s.main });
    await obs.call('SetInputSettings', { inputName: s.text, inputSettings: { text: 'before' } });
    const { sceneItemId } = await obs.call('GetSceneItemId', { sceneName: s.main, sourceName: s.text });
    await obs.call('SetSceneItemEnabled', { sceneName: s.main, sceneItemId, sceneItemEnabled: true });
    await obs.call('SetSourceFilterEnabled', { sourceName: s.text, filterName: s.filter, filterEnabled: true });
  });

  it('obs.scene switches the program scene (GetCurrentProgramScene), and the status follows it', async () => {
    const res = await run({ type: 'obs.scene', scene: s.other });
    expect(res.status).toBe(202);
    expect(await programScene()).toBe(s.other);
    await waitFor('status to show the new program scene', async () => (await roomcast.api('/api/obs/status')).body.currentProgramScene === s.other);
  });

  it('obs.text sets the text and keeps the source`s other settings (GetInputSettings)', async () => {
    await obs.call('SetInputSettings', { inputName: s.text, inputSettings: { color1: 4278190335 } });
    expect((await run({ type: 'obs.text', source: s.text, text: 'Thanks, Ada! ❤' })).status).toBe(202);
    const { inputSettings } = await obs.call('GetInputSettings', { inputName: s.text });
    expect(inputSettings['text']).toBe('Thanks, Ada! ❤');
    expect(inputSettings['color1']).toBe(4278190335);
  });

  it('obs.source.visibility hides, shows and toggles a source by scene and source name', async () => {
    expect((await run({ type: 'obs.source.visibility', scene: s.main, source: s.text, visible: false })).status).toBe(202);
    expect(await sceneItemEnabled(s.main, s.text)).toBe(false);
    expect((await run({ type: 'obs.source.visibility', scene: s.main, source: s.text, visible: true })).status).toBe(202);
    expect(await sceneItemEnabled(s.main, s.text)).toBe(true);
    expect((await run({ type: 'obs.source.visibility', scene: s.main, source: s.text, visible: 'toggle' })).status).toBe(202);
    expect(await sceneItemEnabled(s.main, s.text)).toBe(false);
    expect((await run({ type: 'obs.source.visibility', scene: s.main, source: s.text, visible: 'toggle' })).status).toBe(202);
    expect(await sceneItemEnabled(s.main, s.text)).toBe(true);
  });

  it('obs.filter disables, enables and toggles a filter', async () => {
    expect((await run({ type: 'obs.filter', source: s.text, filter: s.filter, enabled: false })).status).toBe(202);
    expect(await filterEnabled()).toBe(false);
    expect((await run({ type: 'obs.filter', source: s.text, filter: s.filter, enabled: 'toggle' })).status).toBe(202);
    expect(await filterEnabled()).toBe(true);
    expect((await run({ type: 'obs.filter', source: s.text, filter: s.filter, enabled: 'toggle' })).status).toBe(202);
    expect(await filterEnabled()).toBe(false);
    expect((await run({ type: 'obs.filter', source: s.text, filter: s.filter, enabled: true })).status).toBe(202);
    expect(await filterEnabled()).toBe(true);
  });

  it('obs.media.restart plays an ended media source again from the start', async () => {
    // The seeded jingle is 1 s long and does not loop: wait for it to end.
    await waitFor('the jingle to end', mediaEnded, 10_000);
    const client = await obs.client();
    const triggered = new Promise<string>((resolve) => client.once('MediaInputActionTriggered', (e) => resolve(e.mediaAction)));
    expect((await run({ type: 'obs.media.restart', source: s.media })).status).toBe(202);
    expect(await triggered).toBe('OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART');
    const status = await obs.call('GetMediaInputStatus', { inputName: s.media });
    expect(status.mediaState).toBe('OBS_MEDIA_STATE_PLAYING');
    expect(status.mediaCursor).toBeLessThan(1000);
  });

  it('obs.batch applies every action, each round of requests arriving at OBS as one RequestBatch', async () => {
    const from = obs.received().length;
    const res = await run({
      type: 'obs.batch',
      actions: [
        { type: 'obs.scene', scene: s.other },
        { type: 'obs.source.visibility', scene: s.main, source: s.text, visible: false },
        { type: 'obs.text', source: s.text, text: 'batched' },
        { type: 'obs.filter', source: s.text, filter: s.filter, enabled: 'toggle' },
        { type: 'obs.media.restart', source: s.media },
      ],
    });
    expect(res.status).toBe(202);
    expect(await programScene()).toBe(s.other);
    expect(await sceneItemEnabled(s.main, s.text)).toBe(false);
    expect(await text()).toBe('batched');
    expect(await filterEnabled()).toBe(false);
    // Round 1: every action's first request together; round 2: what needed an answer first.
    await waitFor('OBS to log both batches', () => batchesSince(from).length >= 2);
    expect(batchesSince(from)).toEqual([
      ['SetCurrentProgramScene', 'GetSceneItemId', 'SetInputSettings', 'GetSourceFilter', 'TriggerMediaInputAction'],
      ['SetSceneItemEnabled', 'SetSourceFilterEnabled'],
    ]);
  });

  it('a refused action says what OBS said; in a batch the others still apply', async () => {
    const alone = await run({ type: 'obs.scene', scene: 'No Such Scene' });
    expect(alone.status).toBe(404);
    expect(alone.body.error.message).toMatch(/^OBS refused switch to scene "No Such Scene" \(SetCurrentProgramScene, code 600\): No source was found/);

    const batch = await run({
      type: 'obs.batch',
      actions: [
        { type: 'obs.source.visibility', scene: s.main, source: 'Nothing Here', visible: false },
        { type: 'obs.text', source: s.text, text: 'still applied' },
      ],
    });
    expect(batch.status).toBe(404);
    expect(batch.body.error.message).toMatch(/^1 of 2 OBS actions failed: OBS refused hide source "Nothing Here" in scene "Roomcast Main" \(GetSceneItemId, code 600\)/);
    expect(await text()).toBe('still applied');
    await waitFor('the failure to be logged', () => /"action":"obs.scene".*"msg":"action failed"/.test(roomcast.output()));
  });

  it('invalid params are refused before anything reaches OBS, naming each path', async () => {
    const from = obs.received().length;
    const missing = await run({ type: 'obs.scene' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues).toEqual([{ path: 'action.scene', message: 'required key is missing (expected string)' }]);

    const nested = await run({
      type: 'obs.batch',
      actions: [{ type: 'obs.text', source: s.text, text: 'x' }, { type: 'obs.source.visibility', scene: s.main, source: s.text, visible: 'sometimes' }, { type: 'obs.record' }],
    });
    expect(nested.status).toBe(400);
    expect(nested.body.error.issues).toEqual([
      { path: 'action.actions[1].visible', message: 'must be true, false or "toggle"' },
      { path: 'action.actions[2].type', message: expect.stringMatching(/"type" must be one of obs.scene, obs.source.visibility/) },
    ]);
    const typo = await run({ type: 'obs.filter', source: s.text, filter: s.filter, enabeld: true });
    expect(typo.body.error.issues).toContainEqual({ path: 'action.enabeld', message: 'unknown key (did you mean "enabled"?)' });
    await new Promise((r) => setTimeout(r, 200));
    expect(obs.received().slice(from).filter((m) => m.op === 8)).toEqual([]);
  });

  it('the action types are listed for rule editors', async () => {
    const { body } = await roomcast.api('/api/actions');
    const types = body.types.map((t: { type: string }) => t.type);
    expect(types).toEqual(expect.arrayContaining(['obs.scene', 'obs.source.visibility', 'obs.text', 'obs.filter', 'obs.media.restart', 'obs.batch']));
  });
});

describe('/api/obs: what the UI pickers need', () => {
  it('lists scenes in OBS order with the program scene, a scene`s items, inputs by kind and a source`s filters', async () => {
    await obs.call('SetCurrentProgramScene', { sceneName: s.main });
    const scenes = await roomcast.api('/api/obs/scenes');
    expect(scenes.status).toBe(200);
    expect(scenes.body).toEqual({ currentProgramScene: s.main, scenes: [{ name: 'Scene' }, { name: s.main }, { name: s.other }] });

    const items = await roomcast.api(`/api/obs/scenes/${encodeURIComponent(s.main)}/items`);
    expect(items.body.items.map((i: { source: string }) => i.source)).toEqual([s.text, s.media]);
    expect(items.body.items[0]).toMatchObject({ inputKind: 'text_ft2_source_v2', isGroup: false });

    const inputs = await roomcast.api('/api/obs/inputs?kind=text_ft2_source_v2');
    expect(inputs.body).toEqual({ inputs: [{ name: s.text, kind: 'text_ft2_source_v2' }] });

    const filters = await roomcast.api(`/api/obs/sources/${encodeURIComponent(s.text)}/filters`);
    expect(filters.body).toEqual({ source: s.text, filters: [{ name: s.filter, kind: 'color_filter_v2', enabled: expect.any(Boolean) }] });

    const unknown = await roomcast.api('/api/obs/scenes/Nope/items');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/OBS refused list the items of scene "Nope"/);
  });

  it('needs an operator token for OBS queries; status is readable by any role', async () => {
    const overlay = await roomcast.createToken('overlay');
    expect((await roomcast.api('/api/obs/scenes', { token: overlay })).status).toBe(403);
    const operator = await roomcast.createToken('operator');
    const asOperator = await roomcast.api('/api/obs/scenes', { token: operator });
    expect(asOperator.body.error?.message).toBeUndefined();
    expect(asOperator.status).toBe(200);
    const status = await roomcast.api('/api/obs/status', { token: overlay });
    expect(status.body.error?.message).toBeUndefined();
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ enabled: true, url: obs.url, state: 'connected', obsVersion: expect.stringMatching(/^\d+\./), obsWebSocketVersion: expect.stringMatching(/^5\./) });
  });

  it('never writes the OBS password to the log (debug level)', () => {
    expect(roomcast.output()).toMatch(/connected to OBS/);
    expect(roomcast.output()).not.toContain(obs.password);
  });

  it('a planned shutdown closes the link without reporting an OBS outage', async () => {
    expect(await roomcast.stop('SIGTERM')).toBe(0);
    expect(roomcast.output()).not.toMatch(/"health":"adapter:obs","state":"(down|degraded)"/);
  });
});
