import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import { producersWithStats, startIngestServer, type IngestServer } from './helpers/ingestHarness.ts';
import { sendOpusTone, sendVp8, type GstSender } from './helpers/mediaFixtures.ts';
import { freeUdpPort } from './helpers/udp.ts';

/**
 * Plain RTP inputs for devices without a browser: a comedia PlainTransport per input, from config or
 * created by an operator over the API; a gst-launch sender stands in for the device.
 */
describe('plain RTP inputs', () => {
  let server: IngestServer;
  let fixedPort: number;
  const senders: GstSender[] = [];

  beforeAll(async () => {
    fixedPort = await freeUdpPort();
    server = await startIngestServer({
      yaml: [
        'rooms: [{ id: demo }, { id: stage }]',
        'ingest:',
        '  workers: 2',
        '  rtpInputSilenceMs: 1500',
        '  rtpInputs:',
        `    - { room: stage, label: door-mic, kind: audio, codec: opus, port: ${fixedPort}, ssrc: 4242 }`,
        '',
      ].join('\n'),
    });
  });

  afterAll(async () => {
    for (const sender of senders) await sender.stop();
    await server?.stop();
  });

  /** The input's producer, once its received byte count grew between two looks. */
  async function receiving(room: string, label: string) {
    const first = await waitFor(`RTP into ${room}/${label}`, async () => {
      const p = (await producersWithStats(server, room)).find((x) => x.label === label);
      return p && (p.stats?.byteCount ?? 0) > 0 ? p : null;
    }, 15_000, 200);
    return waitFor(`${room}/${label} bytes to grow`, async () => {
      const p = (await producersWithStats(server, room)).find((x) => x.label === label);
      return p && p.stats!.byteCount > first.stats!.byteCount ? p : null;
    }, 10_000, 200);
  }

  it('a configured input listens on its fixed port and receives Opus from a device', async () => {
    const listed = await server.api('/api/media/rtp-inputs');
    expect(listed.status).toBe(200);
    const input = listed.body.inputs.find((i: { label: string }) => i.label === 'door-mic');
    expect(input).toMatchObject({ room: 'stage', kind: 'audio', codec: 'opus', port: fixedPort, ssrc: 4242, payloadType: 111, address: '127.0.0.1', source: 'config' });

    senders.push(sendOpusTone(fixedPort, { payloadType: input.payloadType, ssrc: input.ssrc }));
    const producer = await receiving('stage', 'door-mic');
    expect(producer).toMatchObject({ origin: 'rtp', kind: 'audio', producerId: input.producerId, codec: { mimeType: 'audio/opus' } });
    const detail = await waitFor('the input to note its last packet', async () => {
      const res = await server.api(`/api/media/rtp-inputs/${input.id}`);
      return res.body.stats.lastPacketAt ? res.body : null;
    }, 5_000);
    expect(detail.stats).toMatchObject({ remote: { ip: '127.0.0.1', port: expect.any(Number) }, lastPacketAt: expect.any(Number) });
  });

  it('an operator creates a VP8 input over the API; a device sends to the answered port and it shows up as a producer', async () => {
    const added: string[] = [];
    const onAdded = (info: { label: string; origin: string }) => info.origin === 'rtp' && added.push(info.label);
    server.ingress.on('producer-added', onAdded);
    const created = await server.api('/api/media/rtp-inputs', { method: 'POST', body: { room: 'demo', label: 'gate-cam', kind: 'video', codec: 'vp8' } });
    server.ingress.off('producer-added', onAdded);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ room: 'demo', label: 'gate-cam', kind: 'video', codec: 'vp8', payloadType: 96, address: '127.0.0.1', source: 'api' });
    expect(created.body.port).toBeGreaterThanOrEqual(40000);
    expect(added).toEqual(['gate-cam']);

    senders.push(sendVp8(created.body.port, { payloadType: created.body.payloadType, ssrc: created.body.ssrc }));
    const producer = await receiving('demo', 'gate-cam');
    expect(producer).toMatchObject({ origin: 'rtp', kind: 'video', codec: { mimeType: 'video/VP8' } });
    await waitFor('a second of video (30 packets)', async () => (await producersWithStats(server, 'demo')).find((p) => p.label === 'gate-cam')!.stats!.packetCount >= 30, 10_000, 200);
  });

  it('refuses bad inputs with what is wrong: validation, unknown room, duplicate label, role', async () => {
    const bad = await server.api('/api/media/rtp-inputs', { method: 'POST', body: { room: 'demo', label: 'x', kind: 'video', codec: 'opus', port: 80 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: 'codec', message: 'codec "opus" does not carry video' },
        { path: 'port', message: expect.stringContaining('>=1024') },
      ]),
    );
    const unknownRoom = await server.api('/api/media/rtp-inputs', { method: 'POST', body: { room: 'attic', label: 'x', kind: 'audio', codec: 'opus' } });
    expect(unknownRoom).toMatchObject({ status: 404, body: { error: { message: 'unknown room "attic" (known: demo, stage)' } } });
    const duplicate = await server.api('/api/media/rtp-inputs', { method: 'POST', body: { room: 'demo', label: 'gate-cam', kind: 'video', codec: 'vp8' } });
    expect(duplicate).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    const taken = await server.api('/api/media/rtp-inputs', { method: 'POST', body: { room: 'demo', label: 'second-door', kind: 'audio', codec: 'opus', port: fixedPort } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain(`UDP port ${fixedPort} is not available`);
    const overlay = await server.createToken('overlay');
    expect((await server.api('/api/media/rtp-inputs', { method: 'POST', token: overlay, body: { room: 'demo', label: 'y', kind: 'audio', codec: 'opus' } })).status).toBe(403);
    expect((await server.api('/api/media/rtp-inputs', { token: overlay })).status).toBe(200);
  });

  it('reports an input that went silent in health, and takes the device back when it restarts from another source port', async () => {
    const health = () => server.roomcast.services.health.list().find((e) => e.name === 'media:rtp-inputs')!;
    await waitFor('rtp inputs healthy', () => health().state === 'ok', 5_000);
    const door = senders[0]!;
    await door.stop();
    await waitFor('media:rtp-inputs degraded', () => health().state === 'degraded', 10_000);
    expect(health().reason).toContain('stage/door-mic');
    const input = (await server.api('/api/media/rtp-inputs')).body.inputs.find((i: { label: string }) => i.label === 'door-mic');
    // A new gst-launch process sends from a new source port; comedia had locked onto the old one.
    senders[0] = sendOpusTone(fixedPort, { payloadType: input.payloadType, ssrc: input.ssrc });
    await waitFor('media:rtp-inputs ok again', () => health().state === 'ok', 10_000);
    const producer = await receiving('stage', 'door-mic');
    expect(producer).toMatchObject({ producerId: input.producerId, interrupted: false });
  });

  it('diagnoses VP8 that mediasoup cannot forward (no picture IDs: no keyframe ever recognised)', async () => {
    const health = () => server.roomcast.services.health.list().find((e) => e.name === 'media:rtp-inputs')!;
    const created = await server.api('/api/media/rtp-inputs', { method: 'POST', body: { room: 'demo', label: 'nopid-cam', kind: 'video', codec: 'vp8' } });
    const sender = sendVp8(created.body.port, { payloadType: created.body.payloadType, ssrc: created.body.ssrc, pictureIds: false });
    try {
      await waitFor('media:rtp-inputs to name the problem', () => health().state === 'degraded' && health().reason?.includes('demo/nopid-cam receives video but no keyframe'), 15_000);
      expect(health().reason).toContain('picture-id-mode=15-bit');
      const detail = await server.api(`/api/media/rtp-inputs/${created.body.id}`);
      expect(detail.body.stats).toMatchObject({ keyframes: 0 });
    } finally {
      await sender.stop();
    }
    expect((await server.api(`/api/media/rtp-inputs/${created.body.id}`, { method: 'DELETE' })).status).toBe(204);
    await waitFor('media:rtp-inputs ok again', () => health().state === 'ok', 5_000);
  });

  it('inputs operators created come back after a restart with the same id, port and SSRC; the device sending to one is received again', async () => {
    const gate = (await server.api('/api/media/rtp-inputs')).body.inputs.find((i: { label: string }) => i.label === 'gate-cam');
    // Only operator-created inputs are saved (door-mic lives in roomcast.yaml; nopid-cam was deleted).
    const file = path.join(server.dataDir, 'ingest', 'rtp-inputs.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { inputs: Array<Record<string, unknown>> };
    expect(saved.inputs).toEqual([{ id: gate.id, room: 'demo', label: 'gate-cam', kind: 'video', codec: 'vp8', port: gate.port, payloadType: 96, ssrc: gate.ssrc }]);
    // A saved input whose room has since gone from roomcast.yaml: reported, and the start goes on.
    saved.inputs.push({ id: randomUUID(), room: 'attic', label: 'old-cam', kind: 'video', codec: 'vp8', port: 45000, payloadType: 96, ssrc: 7 });
    writeFileSync(file, JSON.stringify(saved));

    await server.restart();
    const inputs = (await server.api('/api/media/rtp-inputs')).body.inputs;
    expect(inputs.find((i: { label: string }) => i.label === 'gate-cam')).toEqual(gate);
    expect(inputs.map((i: { label: string }) => i.label).sort()).toEqual(['door-mic', 'gate-cam']);
    // The camera never stopped sending to its port: the restored input receives it again.
    const producer = await receiving('demo', 'gate-cam');
    expect(producer).toMatchObject({ producerId: gate.id, origin: 'rtp', codec: { mimeType: 'video/VP8' } });
    const health = server.roomcast.services.health.list().find((e) => e.name === 'media:rtp-inputs')!;
    expect(health.state).toBe('degraded');
    expect(health.reason).toContain('saved RTP input attic/old-cam (port 45000) could not be restored: unknown room "attic"');
    // It stays saved: fixing the cause (the room comes back) restores it at the next start.
    expect((JSON.parse(readFileSync(file, 'utf8')) as typeof saved).inputs.map((i) => i.label)).toEqual(['gate-cam', 'old-cam']);
  });

  it('deleting an input closes its producer and frees its label', async () => {
    const input = (await server.api('/api/media/rtp-inputs')).body.inputs.find((i: { label: string }) => i.label === 'gate-cam');
    const closed = new Promise<string>((resolve) => server.ingress.once('producer-closed', (info) => resolve(info.label)));
    expect((await server.api(`/api/media/rtp-inputs/${input.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await closed).toBe('gate-cam');
    expect(server.ingress.producer(input.producerId)).toBeUndefined();
    expect((await server.api(`/api/media/rtp-inputs/${input.id}`)).status).toBe(404);
    const again = await server.api('/api/media/rtp-inputs', { method: 'POST', body: { room: 'demo', label: 'gate-cam', kind: 'video', codec: 'h264' } });
    expect(again.status).toBe(201);
    // The store follows: the deleted input is gone from it, the new one is in (the unrestorable one stays).
    const saved = JSON.parse(readFileSync(path.join(server.dataDir, 'ingest', 'rtp-inputs.json'), 'utf8')) as { inputs: Array<{ id: string; label: string }> };
    expect(saved.inputs.map((i) => [i.label, i.id === again.body.id])).toEqual([['gate-cam', true], ['old-cam', false]]);
  });
});
