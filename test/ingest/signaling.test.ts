import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trySocket } from '../helpers/sockets.ts';
import { waitFor } from '../helpers/wait.ts';
import { mediaWorkers, startIngestServer, type IngestServer } from './helpers/ingestHarness.ts';
import { call, FAKE_DTLS, openMedia, opusSendParameters, produceOpus, sendTransport } from './helpers/signalingClient.ts';

/**
 * The `/media` signaling namespace as a client that gets things wrong sees it: every bad call is
 * answered with an error that says what is wrong, nothing crashes, and a connection's media is cleaned
 * up when it goes (publications wait `reconnectGraceMs` for their publisher, then close).
 */
describe('media signaling: validation, order, ids, roles, cleanup', () => {
  let server: IngestServer;
  let operator: string;
  let overlay: string;
  const sockets: Socket[] = [];

  const open = async (token = operator) => {
    const socket = await openMedia(server.url, token);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    server = await startIngestServer({
      yaml: 'rooms: [{ id: demo }, { id: stage }]\ningest: { workers: 2, reconnectGraceMs: 1500, maxTransportsPerConnection: 2, maxProducersPerConnection: 3 }\n',
    });
    operator = await server.createToken('operator');
    overlay = await server.createToken('overlay');
  });

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a connection without a token', async () => {
    const { error } = await trySocket(`${server.url}/media`, undefined);
    expect(error?.message).toBe('unauthorized');
  });

  it('answers wrong payload types with invalid_request naming each path', async () => {
    const socket = await open();
    expect(await call(socket, 'media:getRouterRtpCapabilities', { room: 5 })).toMatchObject({ ok: false, code: 'invalid_request', error: expect.stringContaining('room: expected string, got number') });
    expect(await call(socket, 'media:getRouterRtpCapabilities')).toMatchObject({ ok: false, code: 'invalid_request', error: expect.stringContaining('(root)') });
    expect(await call(socket, 'media:getRouterRtpCapabilities', { room: 'demo', rom: 'x' })).toMatchObject({ ok: false, error: expect.stringContaining('rom: unknown key') });
    expect(await call(socket, 'media:createTransport', { direction: 'sideways' })).toMatchObject({ ok: false, code: 'invalid_request', error: expect.stringContaining('direction: must be one of "send", "recv"') });
    const produce = await call(socket, 'media:produce', { transportId: 't', kind: 'smell', rtpParameters: { codecs: [] }, label: 'bad label!' });
    expect(produce).toMatchObject({ ok: false, code: 'invalid_request' });
    expect(produce.error).toContain('kind: must be one of "audio", "video"');
    expect(produce.error).toContain('rtpParameters.codecs');
    expect(produce.error).toContain('label:');
    expect(await call(socket, 'media:connectTransport', { transportId: 'x', dtlsParameters: { fingerprints: [{ algorithm: 'md5', value: 'zz' }] } })).toMatchObject({
      ok: false,
      error: expect.stringContaining('dtlsParameters.fingerprints[0].algorithm'),
    });
  });

  it('answers calls made out of order with out_of_order naming the step that must come first', async () => {
    const socket = await open();
    expect(await call(socket, 'media:createTransport', { direction: 'send' })).toMatchObject({ ok: false, code: 'out_of_order', error: expect.stringContaining('media:getRouterRtpCapabilities') });
    expect(await call(socket, 'media:listen', { zone: 'lobby' })).toMatchObject({ ok: false, code: 'out_of_order' });
    expect((await call(socket, 'media:getRouterRtpCapabilities', { room: 'demo' })).ok).toBe(true);

    const send = await call(socket, 'media:createTransport', { direction: 'send' });
    expect(send.ok).toBe(true);
    const early = await produceOpus(socket, send.transport.id, 'early-mic');
    expect(early).toMatchObject({ ok: false, code: 'out_of_order', error: expect.stringContaining('media:connectTransport') });
    expect((await call(socket, 'media:connectTransport', { transportId: send.transport.id, dtlsParameters: FAKE_DTLS })).ok).toBe(true);
    expect(await call(socket, 'media:connectTransport', { transportId: send.transport.id, dtlsParameters: FAKE_DTLS })).toMatchObject({ ok: false, code: 'out_of_order', error: expect.stringContaining('already connected') });
    const produced = await produceOpus(socket, send.transport.id, 'order-mic');
    expect(produced.ok).toBe(true);

    const recv = await call(socket, 'media:createTransport', { direction: 'recv' });
    expect(recv.ok).toBe(true);
    expect(await produceOpus(socket, recv.transport.id, 'wrong-way')).toMatchObject({ ok: false, code: 'out_of_order', error: expect.stringContaining('receive transport') });
    expect(await call(socket, 'media:consume', { transportId: recv.transport.id, producerId: produced.producerId })).toMatchObject({
      ok: false,
      code: 'out_of_order',
      error: expect.stringContaining('media:setRtpCapabilities'),
    });
    const caps = await call(socket, 'media:getRouterRtpCapabilities', { room: 'demo' });
    expect((await call(socket, 'media:setRtpCapabilities', { rtpCapabilities: caps.rtpCapabilities })).ok).toBe(true);
    expect(await call(socket, 'media:consume', { transportId: send.transport.id, producerId: produced.producerId })).toMatchObject({ ok: false, code: 'out_of_order', error: expect.stringContaining('send transport') });
    const consumed = await call(socket, 'media:consume', { transportId: recv.transport.id, producerId: produced.producerId });
    expect(consumed).toMatchObject({ ok: true, consumer: { producerId: produced.producerId, kind: 'audio' } });
    expect(await call(socket, 'media:resumeConsumer', { consumerId: consumed.consumer.id })).toMatchObject({ ok: false, code: 'out_of_order', error: expect.stringContaining('not connected') });
    expect((await call(socket, 'media:connectTransport', { transportId: recv.transport.id, dtlsParameters: FAKE_DTLS })).ok).toBe(true);
    expect((await call(socket, 'media:resumeConsumer', { consumerId: consumed.consumer.id })).ok).toBe(true);
  });

  it('answers unknown ids with not_found listing what exists', async () => {
    const socket = await open();
    expect(await call(socket, 'media:getRouterRtpCapabilities', { room: 'attic' })).toMatchObject({ ok: false, code: 'not_found', error: 'unknown room "attic" (known: demo, stage)' });
    const transportId = await sendTransport(socket, 'demo');
    expect(await call(socket, 'media:connectTransport', { transportId: 'nope', dtlsParameters: FAKE_DTLS })).toMatchObject({ ok: false, code: 'not_found', error: expect.stringContaining(transportId) });
    expect(await call(socket, 'media:closeProducer', { producerId: 'nope' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await call(socket, 'media:resumeConsumer', { consumerId: 'nope' })).toMatchObject({ ok: false, code: 'not_found', error: expect.stringContaining('unknown consumer "nope"') });
    const caps = await call(socket, 'media:getRouterRtpCapabilities', { room: 'demo' });
    await call(socket, 'media:setRtpCapabilities', { rtpCapabilities: caps.rtpCapabilities });
    const recv = await call(socket, 'media:createTransport', { direction: 'recv' });
    expect(await call(socket, 'media:consume', { transportId: recv.transport.id, producerId: 'nope' })).toMatchObject({ ok: false, code: 'not_found', error: expect.stringContaining('unknown producer "nope"') });
    expect(await call(socket, 'media:nonsense', { x: 1 })).toMatchObject({ ok: false, code: 'invalid_request', error: expect.stringContaining('unknown event "media:nonsense"') });
    // A connection belongs to one room.
    expect(await call(socket, 'media:getRouterRtpCapabilities', { room: 'stage' })).toMatchObject({ ok: false, code: 'conflict', error: expect.stringContaining('bound to room "demo"') });
  });

  it('lets an overlay token listen but not publish, nor consume cameras and microphones', async () => {
    const publisher = await open();
    const published = await produceOpus(publisher, await sendTransport(publisher, 'demo'), 'private-mic');
    expect(published.ok).toBe(true);

    const listener = await open(overlay);
    const caps = await call(listener, 'media:getRouterRtpCapabilities', { room: 'demo' });
    expect(caps).toMatchObject({ ok: true, room: 'demo', canPublish: false });
    expect(await call(listener, 'media:createTransport', { direction: 'send' })).toMatchObject({ ok: false, code: 'forbidden', error: expect.stringContaining('needs the operator role; this token has the overlay role') });
    await call(listener, 'media:setRtpCapabilities', { rtpCapabilities: caps.rtpCapabilities });
    const recv = await call(listener, 'media:createTransport', { direction: 'recv' });
    expect(recv.ok).toBe(true);
    expect(await call(listener, 'media:consume', { transportId: recv.transport.id, producerId: published.producerId })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await call(listener, 'media:listen', { zone: 'lobby' })).toMatchObject({ ok: true, zone: 'lobby', producerId: null });
  });

  it('passes mediasoup\'s own refusals back as errors, and enforces per-connection limits', async () => {
    const socket = await open();
    const transportId = await sendTransport(socket, 'demo');
    const g722 = await call(socket, 'media:produce', {
      transportId,
      kind: 'audio',
      label: 'odd-codec',
      rtpParameters: { codecs: [{ mimeType: 'audio/G722', payloadType: 9, clockRate: 8000 }], encodings: [{ ssrc: 42 }] },
    });
    expect(g722).toMatchObject({ ok: false, code: 'invalid_request', error: expect.stringContaining('refused by mediasoup') });
    expect((await call(socket, 'media:createTransport', { direction: 'recv' })).ok).toBe(true);
    expect(await call(socket, 'media:createTransport', { direction: 'recv' })).toMatchObject({ ok: false, code: 'limit', error: expect.stringContaining('maxTransportsPerConnection') });
    expect(await call(socket, 'media:produce', { transportId, kind: 'video', rtpParameters: opusSendParameters(7), label: 'v', measurement: true })).toMatchObject({
      ok: false,
      error: expect.stringContaining('only microphones'),
    });
    for (const label of ['a-mic', 'b-mic', 'c-mic']) expect((await produceOpus(socket, transportId, label)).ok).toBe(true);
    expect(await produceOpus(socket, transportId, 'd-mic')).toMatchObject({ ok: false, code: 'limit' });
  });

  it('keeps labels unique per room; two publishers racing for one label: exactly one wins', async () => {
    const [a, b] = [await open(), await open()];
    const [ta, tb] = await Promise.all([sendTransport(a, 'demo'), sendTransport(b, 'demo')]);
    const results = await Promise.all([produceOpus(a, ta, 'contested-mic'), produceOpus(b, tb, 'contested-mic')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ code: 'conflict' });
    // The same label in another room is another publication.
    const c = await open();
    expect((await produceOpus(c, await sendTransport(c, 'stage'), 'contested-mic')).ok).toBe(true);
  });

  it('gives a reconnecting publisher its producer id back; others get a conflict', async () => {
    const first = await open();
    const published = await produceOpus(first, await sendTransport(first, 'demo', 'publisher-aaaa'), 'desk-mic');
    expect(published.ok).toBe(true);
    const closedNotice = new Promise((resolve) => first.once('media:producerClosed', resolve));

    const stranger = await open();
    expect(await produceOpus(stranger, await sendTransport(stranger, 'demo', 'publisher-zzzz'), 'desk-mic')).toMatchObject({ ok: false, code: 'conflict' });

    // The same publisher on a new connection (the old one not yet noticed dead) takes the label over.
    const second = await open();
    const again = await produceOpus(second, await sendTransport(second, 'demo', 'publisher-aaaa'), 'desk-mic');
    expect(again).toMatchObject({ ok: true, producerId: published.producerId });
    expect(await closedNotice).toMatchObject({ producerId: published.producerId });
    expect(server.ingress.producer(published.producerId)).toMatchObject({ label: 'desk-mic', interrupted: false });
  });

  it('cleans up on disconnect: publications wait reconnectGraceMs for their publisher, then close; consumers go', async () => {
    const events: string[] = [];
    const onEvent = (name: string) => (info: { label: string }) => info.label === 'leaving-mic' && events.push(name);
    const handlers = { added: onEvent('added'), interrupted: onEvent('interrupted'), closed: onEvent('closed') };
    server.ingress.on('producer-added', handlers.added);
    server.ingress.on('producer-interrupted', handlers.interrupted);
    server.ingress.on('producer-closed', handlers.closed);
    try {
      const socket = await open();
      const published = await produceOpus(socket, await sendTransport(socket, 'stage'), 'leaving-mic');
      const caps = await call(socket, 'media:getRouterRtpCapabilities', { room: 'stage' });
      await call(socket, 'media:setRtpCapabilities', { rtpCapabilities: caps.rtpCapabilities });
      const recv = await call(socket, 'media:createTransport', { direction: 'recv' });
      expect((await call(socket, 'media:consume', { transportId: recv.transport.id, producerId: published.producerId })).ok).toBe(true);
      const consumers = async () => (await mediaWorkers(server)).rooms.find((r) => r.room === 'stage')!.routers.reduce((n, r) => n + r.consumers, 0);
      expect(await consumers()).toBe(1);

      socket.close();
      await waitFor('the publication to be interrupted', () => server.ingress.producer(published.producerId)?.interrupted === true, 5_000);
      await waitFor('the consumer to be closed', async () => (await consumers()) === 0, 5_000);
      await waitFor('the publication to close after the grace period', () => server.ingress.producer(published.producerId) === undefined, 5_000);
      expect(events).toEqual(['added', 'interrupted', 'closed']);
    } finally {
      server.ingress.off('producer-added', handlers.added);
      server.ingress.off('producer-interrupted', handlers.interrupted);
      server.ingress.off('producer-closed', handlers.closed);
    }
  });

  it('is still healthy after all of it: same workers, ready, and a clean publish works', async () => {
    const { workers } = await mediaWorkers(server);
    expect(workers.map((w) => ({ running: w.running, restarts: w.restarts }))).toEqual([
      { running: true, restarts: 0 },
      { running: true, restarts: 0 },
    ]);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(server.roomcast.services.health.list().find((e) => e.name === 'media:workers')).toMatchObject({ state: 'ok' });
    const socket = await open();
    expect((await produceOpus(socket, await sendTransport(socket, 'demo'), 'after-all-mic')).ok).toBe(true);
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${server.adminToken}` } })).text();
    expect(metrics).toMatch(/roomcast_media_worker_up\{worker="0"\} 1/);
    expect(metrics).toMatch(/roomcast_media_producers\{room="demo",kind="audio",origin="webrtc",interrupted="false"\} [1-9]/);
  });
});
