import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineStatus, PipelinesSnapshot, ReloadReport } from '../../pipelines/protocol.ts';
import { startRoomcast, type RoomcastProcess } from '../helpers/roomcastProcess.ts';
import { connectSocket } from '../helpers/sockets.ts';
import { sleep, waitFor } from '../helpers/wait.ts';
import { sample } from './engineHarness.ts';

/**
 * Pipelines in a real `roomcast start`: the faulty stages come in as a plugin listed in roomcast.yaml;
 * the specs drive the server only through its API, /metrics, the config file and sockets.
 */
const FAULTY_PLUGIN = fileURLToPath(new URL('./fixtures/faultyPlugin.ts', import.meta.url));

const steady = (rate = 20) => `
  - id: steady
    source: { type: synthetic, kind: event, rate: ${rate} }
    stages:
      - { id: record, type: faulty.record, options: { key: steady } }`;
const thrower = `
  - id: thrower
    source: { type: synthetic, kind: video, rate: 20, width: 16, height: 16 }
    stages:
      - { id: boom, type: faulty.throw, options: { message: lens cap on } }
    restart: { initialDelayMs: 100, maxDelayMs: 5000 }`;
const staller = `
  - id: staller
    source: { type: synthetic, kind: video, rate: 30, width: 16, height: 16 }
    stages:
      - { id: before, type: faulty.record, options: { key: before } }
      - { id: hang, type: faulty.stall, options: { after: 2 }, stallTimeoutMs: 60000 }`;
const newcomer = `
  - id: newcomer
    source: { type: synthetic, kind: event, rate: 10, eventType: hello }
    sinks:
      - { type: overlay, title: "{type} {payload.n}" }`;

const config = (pipelines: string, extra = '') => `plugins:\n  - ${FAULTY_PLUGIN}\n${extra}pipelines:${pipelines}\n`;

let roomcast: RoomcastProcess;
let configFile: string;
let operatorToken: string;
let overlayToken: string;

const pipeline = async (id: string): Promise<PipelineStatus> => {
  const res = await roomcast.api(`/api/pipelines/${id}`);
  expect(res.status).toBe(200);
  return res.body.pipeline as PipelineStatus;
};
const all = async () => (await roomcast.api('/api/pipelines')).body as PipelinesSnapshot;
const healthOf = async (name: string) => ((await roomcast.api('/api/health')).body.entries as Array<{ name: string; state: string; reason?: string }>).find((e) => e.name === name);

beforeAll(async () => {
  roomcast = await startRoomcast({ configYaml: config(steady() + thrower + staller) });
  configFile = path.join(path.dirname(roomcast.dataDir), 'roomcast.yaml');
  operatorToken = await roomcast.createToken('operator', 'pipelines spec');
  overlayToken = await roomcast.createToken('overlay', 'pipelines spec');
});
afterAll(async () => {
  await roomcast?.dispose();
});

describe('pipelines in a running server', () => {
  it('a stage that throws is restarted with growing backoff and reported in health, while another pipeline keeps flowing', async () => {
    await waitFor('three restarts of the throwing stage', async () => (await pipeline('thrower')).stages[0]!.restarts >= 3, 15_000);
    const first = (await pipeline('thrower')).stages[0]!;
    const health = await healthOf('pipeline:thrower');
    expect(health?.state).toBe('degraded');
    expect(health?.reason).toMatch(/stage "boom" \(faulty\.throw\) process\(\) threw: lens cap on at frame \d+; restart #\d+ in \d+ ms/);
    expect(first.lastError?.message).toMatch(/lens cap on/);

    await waitFor('another restart', async () => (await pipeline('thrower')).stages[0]!.restarts > first.restarts, 15_000);
    const later = (await pipeline('thrower')).stages[0]!;
    // 100 ms doubling: restart #n waits 100 * 2^(n-1) ms.
    expect(first.lastBackoffMs).toBe(100 * 2 ** (first.restarts - 1));
    expect(later.lastBackoffMs).toBe(100 * 2 ** (later.restarts - 1));

    const before = (await pipeline('steady')).stages[0]!.processed;
    await sleep(600);
    const steadyNow = await pipeline('steady');
    expect(steadyNow.stages[0]!.processed).toBeGreaterThanOrEqual(before + 6);
    expect(steadyNow.health).toBe('ok');
    expect((await healthOf('pipeline:steady'))?.state).toBe('ok');
  });

  it('a stalled stage does not stop the stage before it or other pipelines, and its drops show in /metrics', async () => {
    await waitFor('the stage to hang', async () => ((await pipeline('staller')).stages[1]!.busyForMs ?? 0) > 200, 10_000);
    const scrape = async () => (await roomcast.api('/metrics')).body as string;
    const m1 = await scrape();
    const s1 = (await pipeline('steady')).stages[0]!.processed;
    await sleep(700);
    const m2 = await scrape();
    const dropped = (text: string) => sample(text, 'roomcast_pipeline_stage_dropped_total', { pipeline: 'staller', stage: 'hang', kind: 'video', reason: 'overflow' })!;
    const frames = (text: string, stage: string) => sample(text, 'roomcast_pipeline_stage_frames_in_total', { pipeline: 'staller', stage, kind: 'video' })!;
    expect(dropped(m1)).toBeGreaterThan(0);
    expect(dropped(m2) - dropped(m1)).toBeGreaterThanOrEqual(6);
    // The stage before it still takes every frame (30 fps: ~21 in 700 ms; fewer on a loaded machine).
    expect(frames(m2, 'before') - frames(m1, 'before')).toBeGreaterThanOrEqual(6);
    expect(sample(m2, 'roomcast_pipeline_stage_processed_total', { pipeline: 'staller', stage: 'hang' })).toBe(3);
    expect((await pipeline('steady')).stages[0]!.processed).toBeGreaterThanOrEqual(s1 + 5);
  });

  it('operators switch a pipeline off and on live; overlay tokens may only look', async () => {
    expect((await roomcast.api('/api/pipelines/steady/disable', { method: 'POST', token: overlayToken })).status).toBe(403);
    const off = await roomcast.api('/api/pipelines/steady/disable', { method: 'POST', token: operatorToken });
    expect(off.status).toBe(200);
    expect(off.body.pipeline).toMatchObject({ id: 'steady', enabled: false, configuredEnabled: true, state: 'disabled' });
    expect(sample((await roomcast.api('/metrics')).body, 'roomcast_pipeline_enabled', { pipeline: 'steady' })).toBe(0);
    await sleep(300);
    expect((await pipeline('steady')).stages[0]!.processed).toBe(0);

    const on = await roomcast.api('/api/pipelines/steady/enable', { method: 'POST', token: operatorToken });
    expect(on.body.pipeline).toMatchObject({ id: 'steady', enabled: true, state: 'running' });
    await waitFor('steady to flow again', async () => (await pipeline('steady')).stages[0]!.processed >= 3, 5_000);
    expect(sample((await roomcast.api('/metrics')).body, 'roomcast_pipeline_enabled', { pipeline: 'steady' })).toBe(1);

    const unknown = await roomcast.api('/api/pipelines/nope/enable', { method: 'POST', token: operatorToken });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('unknown pipeline "nope" (known: steady, thrower, staller)');
  });

  it('reloads on file change: adds, removes and restarts only what changed, refuses an invalid edit, and keeps the process and its sockets', async () => {
    const pid = roomcast.pid();
    const disconnects: string[] = [];
    const sockets: Socket[] = [];
    for (const namespace of ['/control', '/pipelines']) {
      const socket = await connectSocket(`${roomcast.url}${namespace}`, roomcast.adminToken);
      socket.on('disconnect', (reason) => disconnects.push(`${namespace}: ${reason}`));
      sockets.push(socket);
    }
    const snapshots: PipelinesSnapshot[] = [];
    sockets[1]!.on('pipelines:snapshot', (s: PipelinesSnapshot) => snapshots.push(s));
    const healthRemoved: string[] = [];
    sockets[0]!.on('health:remove', (name: string) => healthRemoved.push(name));
    expect(sample((await roomcast.api('/metrics')).body, 'roomcast_health_state', { name: 'pipeline:staller' })).toBeDefined();
    const throwerStarted = (await pipeline('thrower')).startedAt;
    const steadyStarted = (await pipeline('steady')).startedAt;

    // 1. steady changes (rate), staller goes, newcomer arrives, thrower stays as it is.
    writeFileSync(configFile, config(steady(25) + thrower + newcomer));
    await waitFor('the reload to apply', async () => (await all()).lastReload?.ok === true, 10_000);
    let snapshot = await all();
    expect(snapshot.lastReload).toMatchObject({ trigger: 'file', ok: true, added: ['newcomer'], removed: ['staller'], restarted: ['steady'], unchanged: ['thrower'], restartRequired: [] });
    expect(snapshot.pipelines.map((p) => p.id)).toEqual(['steady', 'thrower', 'newcomer']);
    expect((await pipeline('thrower')).startedAt).toBe(throwerStarted);
    expect((await pipeline('steady')).startedAt).toBeGreaterThan(steadyStarted!);
    expect((await roomcast.api('/api/pipelines/staller')).status).toBe(404);
    expect(await healthOf('pipeline:staller')).toBeUndefined();
    // Dashboards drop the removed pipeline's entry live, and /metrics stops reporting it.
    await waitFor('health:remove for the removed pipeline', () => healthRemoved.includes('pipeline:staller'), 5_000);
    expect(healthRemoved).toEqual(['pipeline:staller']);
    expect(sample((await roomcast.api('/metrics')).body, 'roomcast_health_state', { name: 'pipeline:staller' })).toBeUndefined();
    await waitFor('the new pipeline to run', async () => (await pipeline('newcomer')).recentEvents.some((e) => e.type === 'hello'), 5_000);

    // 2. An invalid edit: nothing changes, and the report says exactly why (file, line, path).
    writeFileSync(
      configFile,
      config(`
  - id: steady
    source: { type: synthetic, kind: event, rate: 5 }
    stages:
      - { id: record, type: faulty.record, options: { key: 12 } }
  - id: alert
    source: { type: synthetic, kind: event }
    sinks:
      - type: actions
        event: tick
        actions: [{ type: overlay.alert, titel: Hi }]`),
    );
    await waitFor('the refused reload', async () => (await all()).lastReload?.ok === false, 10_000);
    snapshot = await all();
    expect(snapshot.lastReload!.problems).toEqual([expect.stringMatching(/roomcast\.yaml:7:55: pipelines\[0\]\.stages\[0\]\.options\.key: expected string, got number$/)]);
    expect(snapshot.pipelines.map((p) => p.id)).toEqual(['steady', 'thrower', 'newcomer']);
    expect((await pipeline('steady')).source.description).toBe('synthetic event at 25/s');
    expect((await healthOf('pipelines'))?.state).toBe('degraded');

    // 3. Valid YAML whose action params are wrong (checked against the registered action types).
    writeFileSync(
      configFile,
      config(`${steady(25)}
  - id: alert
    source: { type: synthetic, kind: event }
    sinks:
      - type: actions
        event: tick
        actions: [{ type: overlay.alert, titel: Hi }]`),
    );
    await waitFor('the second refused reload', async () => {
      const report = (await all()).lastReload;
      return report?.ok === false && report.problems.some((p) => p.includes('sinks[0].actions[0]'));
    }, 10_000);
    expect((await all()).lastReload!.problems).toEqual(
      expect.arrayContaining(['pipelines[1].sinks[0].actions[0].titel: unknown key (did you mean "title"?)', 'pipelines[1].sinks[0].actions[0].title: required key is missing (expected string)']),
    );

    // 4. Another section changed: applied pipelines, and the report says what needs a restart.
    writeFileSync(configFile, config(steady(25) + thrower, 'auth: { maxFailures: 7 }\n'));
    await waitFor('the third reload', async () => (await all()).lastReload?.ok === true, 10_000);
    expect((await all()).lastReload).toMatchObject({ ok: true, removed: ['newcomer'], unchanged: ['steady', 'thrower'], restartRequired: ['auth'] });
    expect((await healthOf('pipelines'))?.state).toBe('ok');

    expect(roomcast.pid()).toBe(pid);
    expect(disconnects).toEqual([]);
    expect(sockets.every((s) => s.connected)).toBe(true);
    expect(snapshots.some((s) => s.lastReload?.ok === false)).toBe(true);
    for (const socket of sockets) socket.close();
  });

  it('POST /api/pipelines/reload is for admins and answers with the report', async () => {
    expect((await roomcast.api('/api/pipelines/reload', { method: 'POST', token: operatorToken })).status).toBe(403);
    writeFileSync(configFile, config(`${steady(25)}${thrower}\n  - { id: bad, source: { type: nowhere } }`));
    const refused = await roomcast.api('/api/pipelines/reload', { method: 'POST' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('invalid_config');
    expect((refused.body.error.details.report as ReloadReport).problems[0]).toMatch(/pipelines\[2\]\.source\.type: must be one of "producer", "file", "synthetic"/);
    expect((await all()).pipelines.map((p) => p.id)).toEqual(['steady', 'thrower']);

    // A new plugin's stage type cannot be used before a restart loads it: the report says so.
    const examplePlugin = fileURLToPath(new URL('../plugins/roomcast-plugin-example', import.meta.url));
    writeFileSync(configFile, `plugins:\n  - ${FAULTY_PLUGIN}\n  - ${examplePlugin}\npipelines:${steady(25)}${thrower}\n  - { id: door, source: { type: synthetic }, stages: [{ id: m, type: example.motion }] }\n`);
    const needsRestart = await roomcast.api('/api/pipelines/reload', { method: 'POST' });
    expect(needsRestart.status).toBe(422);
    expect((needsRestart.body.error.details.report as ReloadReport).problems).toEqual([
      expect.stringMatching(/pipelines\[2\]\.stages\[0\]\.type: unknown stage type "example\.motion"/),
      expect.stringMatching(/^plugins: the list changed \(.*faultyPlugin\.ts, .*roomcast-plugin-example\); plugins load at start: restart Roomcast to use them$/),
    ]);

    writeFileSync(configFile, config(`${steady(25)}\n    enabled: false${thrower}`));
    const applied = await roomcast.api('/api/pipelines/reload', { method: 'POST' });
    expect(applied.status).toBe(200);
    expect(applied.body.report).toMatchObject({ trigger: 'api', ok: true, restarted: ['steady'], unchanged: ['thrower'] });
    expect(await pipeline('steady')).toMatchObject({ enabled: false, configuredEnabled: false, state: 'disabled' });
  });
});
