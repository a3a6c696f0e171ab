import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.ts';
import type { RtpTap } from '../../server/media/MediaContracts.ts';
import { roomWorker, startIngestServer, type IngestServer } from './helpers/ingestHarness.ts';
import { sendOpusTone, sendVp8, type GstSender } from './helpers/mediaFixtures.ts';
import { openMedia, produceOpus, sendTransport } from './helpers/signalingClient.ts';
import { receiveRtp, type RtpReceiver } from './helpers/udp.ts';

/**
 * `media.ingress.tapProducer()` as the media bridge uses it: a producer's RTP forwarded to a local UDP
 * port, following the producerId through worker restarts and publisher reconnects until it closes.
 */
describe('producer taps (RTP to a local port for the media bridge)', () => {
  let server: IngestServer;
  let operator: string;
  const senders: GstSender[] = [];
  const receivers: RtpReceiver[] = [];
  const taps: RtpTap[] = [];
  const sockets: Socket[] = [];

  const receiver = async () => {
    const r = await receiveRtp();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    server = await startIngestServer({ yaml: 'rooms: [{ id: demo }]\ningest: { workers: 2, reconnectGraceMs: 20000 }\n' });
    operator = await server.createToken('operator');
  });

  afterAll(async () => {
    for (const tap of taps) await tap.close();
    for (const sender of senders) await sender.stop();
    for (const r of receivers) await r.close();
    for (const s of sockets) s.close();
    await server?.stop();
  });

  let camTap: RtpTap;
  let camInput: { producerId: string; id: string };
  let camPort: RtpReceiver;

  it('forwards a VP8 producer as plain RTP with the announced SSRC and payload type, RTCP muxed on the same port', async () => {
    const created = await server.api('/api/media/rtp-inputs', { method: 'POST', body: { room: 'demo', label: 'tap-cam', kind: 'video', codec: 'vp8' } });
    expect(created.status).toBe(201);
    camInput = created.body;
    senders.push(sendVp8(created.body.port, { payloadType: created.body.payloadType, ssrc: created.body.ssrc }));

    camPort = await receiver();
    camTap = await server.ingress.tapProducer(camInput.producerId, camPort.port);
    taps.push(camTap);
    expect(camTap.producer).toMatchObject({ producerId: camInput.producerId, label: 'tap-cam', kind: 'video' });
    expect(camTap.codec).toMatchObject({ mimeType: 'video/VP8', clockRate: 90000 });
    expect(camTap.rtpPort).toBe(camPort.port);
    expect(camTap.flowing).toBe(true);
    // The tap is not the device: its own SSRC and the router's payload type.
    expect(camTap.ssrc).not.toBe(created.body.ssrc);

    await waitFor('60 RTP packets on the tap port', () => camPort.countSince(0, camTap.ssrc) >= 60, 10_000);
    expect(new Set(camPort.packets.map((p) => p.payloadType))).toEqual(new Set([camTap.codec.payloadType]));
    expect(new Set(camPort.packets.map((p) => p.ssrc))).toEqual(new Set([camTap.ssrc]));
    await waitFor('an RTCP sender report on the same port', () => camPort.rtcpCount() > 0, 10_000);
    await expect(camTap.requestKeyFrame()).resolves.toBeUndefined();
  });

  it('forwards an audio injector as Opus RTP', async () => {
    const injector = await server.ingress.createAudioInjector('demo', 'tapzone');
    senders.push(sendOpusTone(injector.rtpPort, { payloadType: injector.payloadType, ssrc: injector.ssrc }));
    const port = await receiver();
    const tap = await server.ingress.tapProducer(injector.producerId, port.port);
    taps.push(tap);
    expect(tap.codec).toMatchObject({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });
    await waitFor('50 Opus packets (one second of 20 ms frames)', () => port.countSince(0, tap.ssrc) >= 50, 10_000);
    expect(port.packets.every((p) => p.payloadType === tap.codec.payloadType)).toBe(true);
    await expect(tap.requestKeyFrame()).resolves.toBeUndefined(); // no-op for audio
  });

  it('an injector takes a restarted encoder back (new source port): at once with resetSender(), by itself after 3 s of silence', async () => {
    const injector = await server.ingress.createAudioInjector('demo', 'restartzone');
    const port = await receiver();
    const tap = await server.ingress.tapProducer(injector.producerId, port.port);
    taps.push(tap);
    let encoder = sendOpusTone(injector.rtpPort, { payloadType: injector.payloadType, ssrc: injector.ssrc });
    senders.push(encoder);
    await waitFor('Opus through the injector', () => port.countSince(0) >= 25, 10_000);

    // A new encoder process sends from a new source port: mediasoup ignores it until told.
    await encoder.stop();
    encoder = sendOpusTone(injector.rtpPort, { payloadType: injector.payloadType, ssrc: injector.ssrc });
    senders.push(encoder);
    await injector.resetSender();
    let since = Date.now();
    await waitFor('Opus from the new encoder after resetSender()', () => port.countSince(since) >= 25, 5_000);

    // Same again without telling anyone: after 3 s without packets the port is re-armed by itself.
    await encoder.stop();
    encoder = sendOpusTone(injector.rtpPort, { payloadType: injector.payloadType, ssrc: injector.ssrc });
    senders.push(encoder);
    since = Date.now();
    await waitFor('Opus from the third encoder after the silence re-arm', () => port.countSince(since) >= 25, 10_000);
    expect(server.ingress.producer(injector.producerId)).toMatchObject({ interrupted: false, zone: 'restartzone' });
    await injector.close();
  });

  it('refuses unknown producers and impossible ports', async () => {
    await expect(server.ingress.tapProducer('no-such-producer', 50000)).rejects.toThrow(/unknown producer "no-such-producer"/);
    await expect(server.ingress.tapProducer(camInput.producerId, 70000)).rejects.toThrow(/rtpPort must be a UDP port/);
  });

  it('follows its producer through a worker restart: interrupted, then resumed on the same port with a new SSRC', async () => {
    const events: string[] = [];
    camTap.on('interrupted', () => events.push('interrupted'));
    const resumed = new Promise<{ ssrc: number }>((resolve) => camTap.once('resumed', resolve));
    const oldSsrc = camTap.ssrc;
    const before = await roomWorker(server, 'demo');
    process.kill(before.pid!, 'SIGKILL');

    const binding = await resumed;
    expect(events).toEqual(['interrupted']);
    expect(binding.ssrc).toBe(camTap.ssrc);
    expect(camTap.ssrc).not.toBe(oldSsrc);
    expect(camTap.flowing).toBe(true);
    const since = Date.now();
    // The device never changed anything; its input came back on the same port and the tap with it.
    await waitFor('RTP with the new SSRC on the same port', () => camPort.countSince(since, camTap.ssrc) >= 30, 10_000);
  });

  it('follows a WebRTC publication through its publisher reconnecting (same label, same producer id)', async () => {
    const first = await openMedia(server.url, operator);
    sockets.push(first);
    const published = await produceOpus(first, await sendTransport(first, 'demo', 'tap-publisher-1'), 'tap-mic');
    expect(published.ok).toBe(true);
    const port = await receiver();
    const tap = await server.ingress.tapProducer(published.producerId, port.port);
    taps.push(tap);
    const interrupted = new Promise((resolve) => tap.once('interrupted', resolve));
    first.close();
    await interrupted;
    expect(tap.flowing).toBe(false);

    const resumed = new Promise((resolve) => tap.once('resumed', resolve));
    const second = await openMedia(server.url, operator);
    sockets.push(second);
    expect(await produceOpus(second, await sendTransport(second, 'demo', 'tap-publisher-1'), 'tap-mic')).toMatchObject({ ok: true, producerId: published.producerId });
    await resumed;
    expect(tap.flowing).toBe(true);
  });

  it('a tap of an interrupted producer waits, and starts flowing when the producer is back', async () => {
    const first = await openMedia(server.url, operator);
    const published = await produceOpus(first, await sendTransport(first, 'demo', 'tap-publisher-2'), 'late-mic');
    first.close();
    await waitFor('interrupted', () => server.ingress.producer(published.producerId)?.interrupted === true, 5_000);

    const port = await receiver();
    const tap = await server.ingress.tapProducer(published.producerId, port.port);
    taps.push(tap);
    expect(tap.flowing).toBe(false);
    const resumed = new Promise((resolve) => tap.once('resumed', resolve));
    const second = await openMedia(server.url, operator);
    sockets.push(second);
    await produceOpus(second, await sendTransport(second, 'demo', 'tap-publisher-2'), 'late-mic');
    await resumed;
    expect(tap.flowing).toBe(true);
  });

  it('ends with its producer: closed, and no more RTP', async () => {
    const closed = new Promise<string>((resolve) => camTap.once('closed', resolve));
    expect((await server.api(`/api/media/rtp-inputs/${camInput.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await closed).toBe('producer closed');
    expect(camTap.flowing).toBe(false);
    await new Promise((r) => setTimeout(r, 300)); // packets already in flight
    const since = Date.now();
    await new Promise((r) => setTimeout(r, 700));
    expect(camPort.countSince(since)).toBe(0);
  });
});
