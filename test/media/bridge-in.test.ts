import { afterEach, describe, expect, it } from 'vitest';
import type { AudioFrame, VideoFrame } from '../../pipelines/frames.ts';
import { NotFoundError, RequestError } from '../../server/errors.ts';
import { decoderHealthName } from '../../server/media/bridge/ProducerDecoder.ts';
import type { DecodedSource } from '../../server/media/bridge/DecodedSource.ts';
import { ValidationError } from '../../server/validation/formatIssues.ts';
import { processAlive, sleep, waitFor } from '../helpers/wait.ts';
import { collectFrames, createBridge, joinSamples, nextFrame } from './helpers/bridgeHarness.ts';
import { readStamp } from './helpers/framePattern.ts';
import { RtpTestIngress } from './helpers/RtpTestIngress.ts';
import { dominantFrequency, rms } from './helpers/tone.ts';

/**
 * The bridge's input side against real RTP: gst-launch encoders stand in for publishers (VP8 of
 * frames stamped with a counter and their send time, an Opus tone) and send to the port each decoder
 * binds, as mediasoup's tap would. Frames are checked by what they contain.
 */
describe('media bridge in: producers decoded to frames and PCM for pipelines', () => {
  let ingress: RtpTestIngress;
  let harness: ReturnType<typeof createBridge>;

  const setup = (config: Record<string, unknown> = {}) => {
    ingress = new RtpTestIngress();
    harness = createBridge(ingress, config);
    return { ingress, ...harness };
  };

  afterEach(async () => {
    await harness?.bridge.close();
    await ingress?.close();
  });

  it('decodes VP8 RTP to RGB frames at the configured size in real time, counter advancing, stamped with capture time', async () => {
    const { bridge } = setup();
    const cam = ingress.addVideoProducer({ label: 'cam-1' });
    const source = await bridge.videoSource(cam.producerId);
    expect(source.id).toBe('room:demo/cam-1');
    expect(source.kind).toBe('video');
    await nextFrame(source);

    const [sender] = ingress.tapsOf(cam.producerId).map((tap) => tap.sender as unknown as { framesSent: number });
    const sentBefore = sender!.framesSent;
    const frames = await collectFrames(source, 2_000);
    // Real time: (nearly) every frame sent comes out. (Rates on an idle machine: BENCHMARKS.md.)
    expect(frames.length).toBeGreaterThanOrEqual(Math.max(40, ((sender!.framesSent - sentBefore) * 2) / 3));
    let lastCounter = -1;
    let lastSeq = -1;
    for (const { frame, receivedAt } of frames) {
      expect(frame).toMatchObject({ kind: 'video', sourceId: 'room:demo/cam-1', width: 640, height: 480, format: 'rgb24' });
      expect(frame.data.length).toBe(640 * 480 * 3);
      expect(frame.seq).toBeGreaterThan(lastSeq);
      lastSeq = frame.seq;
      const stamp = readStamp(frame.data, 640, 480, receivedAt);
      expect(stamp.counter).toBeGreaterThan(lastCounter);
      lastCounter = stamp.counter;
      // Captured after the sender made the frame and before we got it (the RTP arrival time).
      expect(frame.captureTs).toBeLessThanOrEqual(receivedAt);
      expect(frame.captureTs).toBeGreaterThan(stamp.sentAt - 50);
      expect(receivedAt - frame.captureTs).toBeLessThan(500);
    }
  });

  it('scales any sender size to the configured one (letterboxed) and caps the frame rate', async () => {
    const { bridge } = setup({ video: { width: 320, height: 240, maxFps: 10 } });
    const cam = ingress.addVideoProducer({ label: 'cam-4x3', width: 480, height: 360, fps: 30 });
    const source = await bridge.videoSource(cam.producerId);
    await nextFrame(source);
    const frames = await collectFrames(source, 2_000);
    for (const { frame } of frames) {
      expect([frame.width, frame.height, frame.data.length]).toEqual([320, 240, 320 * 240 * 3]);
    }
    // 10 fps out of 30: about 20 frames in 2 s, every third sender frame.
    expect(frames.length).toBeGreaterThanOrEqual(15);
    expect(frames.length).toBeLessThanOrEqual(23);
    const counters = frames.map(({ frame, receivedAt }) => readStamp(frame.data, 320, 240, receivedAt).counter);
    const steps = counters.slice(1).map((c, i) => c - counters[i]!);
    const meanStep = (counters.at(-1)! - counters[0]!) / steps.length;
    expect(steps.every((s) => s >= 1), `counter steps ${steps.join(',')}`).toBe(true);
    expect(meanStep, `counter steps ${steps.join(',')}`).toBeGreaterThan(2.5);
    expect(meanStep, `counter steps ${steps.join(',')}`).toBeLessThan(3.5);
    await source.close();

    // 16:9 into 4:3: the picture keeps its shape, with black bars above and below.
    const wide = ingress.addVideoProducer({ label: 'cam-16x9', width: 640, height: 360, fps: 30 });
    const frame = await nextFrame(await bridge.videoSource(wide.producerId));
    expect([frame.width, frame.height]).toEqual([320, 240]);
    const luma = (x: number, y: number) => frame.data[(y * 320 + x) * 3 + 1]!;
    for (const x of [10, 160, 310]) {
      expect(luma(x, 5)).toBeLessThan(24); // bar
      expect(luma(x, 234)).toBeLessThan(24); // bar
    }
    let picture = 0;
    for (let x = 0; x < 320; x += 8) picture += luma(x, 120);
    expect(picture / 40).toBeGreaterThan(40); // the texture, not a bar
  });

  it('keeps only the latest frame for a slow consumer (never a stale one) and counts what it skipped', async () => {
    const { bridge } = setup();
    const cam = ingress.addVideoProducer({ label: 'cam-1' });
    const source = (await bridge.videoSource(cam.producerId)) as DecodedSource<VideoFrame>;
    await nextFrame(source);
    const [sender] = ingress.tapsOf(cam.producerId).map((tap) => tap.sender as unknown as { framesSent: number });
    for (let i = 0; i < 3; i++) {
      await sleep(400);
      const frame = await nextFrame(source);
      const { counter } = readStamp(frame.data, 640, 480);
      // The frame waiting after 400 ms is one of the newest sent (in flight: encode, network, decode),
      // not the one after the last read (12 frames back).
      expect(sender!.framesSent - 1 - counter).toBeLessThanOrEqual(6);
    }
    expect(source.dropped).toBeGreaterThan(20);
  });

  it('decodes Opus RTP to 48 kHz float32 PCM with the tone the publisher sent', async () => {
    const { bridge } = setup();
    const mic = ingress.addToneProducer({ label: 'mic-1', frequency: 440 });
    const source = await bridge.audioSource(mic.producerId);
    expect(source.kind).toBe('audio');
    await nextFrame(source);
    const frames = (await collectFrames(source, 1_500)).map(({ frame, receivedAt }) => {
      expect(frame.captureTs).toBeLessThanOrEqual(receivedAt);
      expect(receivedAt - frame.captureTs).toBeLessThan(500);
      return frame;
    });
    for (const frame of frames) expect(frame).toMatchObject({ kind: 'audio', sourceId: 'room:demo/mic-1', sampleRate: 48_000, channels: 1 });
    const pcm = joinSamples(frames);
    expect(pcm.length).toBeGreaterThan(48_000);
    expect(Math.abs(dominantFrequency(pcm, 48_000) - 440)).toBeLessThanOrEqual(2);
    expect(rms(pcm)).toBeGreaterThan(0.1);
  });

  it('delivers stereo when configured', async () => {
    const { bridge } = setup({ audio: { channels: 2 } });
    const mic = ingress.addToneProducer({ label: 'mic-1', frequency: 1000 });
    const source = await bridge.audioSource(mic.producerId);
    const frame = await nextFrame(source);
    expect(frame.channels).toBe(2);
    expect(frame.samples.length % 2).toBe(0);
  });

  it('bounds the audio a slow consumer has queued, dropping the oldest and counting it', async () => {
    const { bridge } = setup({ audio: { maxQueueMs: 300 } });
    const mic = ingress.addToneProducer({ label: 'mic-1', frequency: 440 });
    const source = (await bridge.audioSource(mic.producerId)) as DecodedSource<AudioFrame>;
    await nextFrame(source);
    await sleep(1_500);
    // Reading now gives at most 300 ms of backlog, and what comes is recent.
    let queuedMs = 0;
    let frame = await nextFrame(source);
    const firstAge = Date.now() - frame.captureTs;
    while (Date.now() - frame.captureTs > 100) {
      queuedMs += (frame.samples.length / frame.channels / 48_000) * 1000;
      frame = await nextFrame(source);
    }
    expect(firstAge).toBeLessThan(600);
    expect(queuedMs).toBeLessThanOrEqual(340);
    expect(source.dropped).toBeGreaterThan(40);
  });

  it('restarts a killed decoder: health shows it down, a keyframe is requested, frames resume within 2 s', async () => {
    const { bridge, healthOf } = setup();
    const cam = ingress.addVideoProducer({ label: 'cam-1' });
    const source = await bridge.videoSource(cam.producerId);
    await nextFrame(source);
    const name = decoderHealthName(cam.producerId);
    await waitFor('decoder health ok', () => healthOf(name)?.state === 'ok');
    const decoder = bridge.decoder(cam.producerId)!;
    const pid = decoder.pid!;
    const [tap] = ingress.tapsOf(cam.producerId);
    const requestsBefore = tap!.keyFrameRequests;

    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor('decoder health down', () => healthOf(name)?.state === 'down', 2_000, 5);
    expect(healthOf(name)?.reason).toMatch(/decoder exited \(killed by SIGKILL\); restarting/);

    // Drain what was decoded before the kill, then wait for a frame sent after it.
    let frame = await nextFrame(source, 5_000);
    while (readStamp(frame.data, 640, 480).sentAt < killedAt) frame = await nextFrame(source, 5_000);
    const resumedAfterMs = Date.now() - killedAt;
    expect(resumedAfterMs).toBeLessThan(2_000);
    expect(decoder.pid).not.toBe(pid);
    expect(processAlive(pid)).toBe(false);
    expect(tap!.keyFrameRequests).toBeGreaterThan(requestsBefore);
    await waitFor('decoder health ok again', () => healthOf(name)?.state === 'ok', 2_000);
    // The counter keeps advancing after the restart.
    const next = await nextFrame(source);
    expect(readStamp(next.data, 640, 480).counter).toBeGreaterThan(readStamp(frame.data, 640, 480).counter);
  });

  it('recovers from lost packets with a keyframe instead of handing out broken pictures', async () => {
    const { bridge } = setup();
    // A packet lost every 600 ms, and nothing retransmits it.
    const cam = ingress.addVideoProducer({ label: 'cam-1', lossIntervalMs: 600 });
    const source = await bridge.videoSource(cam.producerId);
    await nextFrame(source);
    const [tap] = ingress.tapsOf(cam.producerId);
    const sender = tap!.sender as unknown as { dropped: number; restarts: number };
    const requestsBefore = tap!.keyFrameRequests;
    const frames = await collectFrames(source, 3_000);
    expect(sender.dropped).toBeGreaterThan(2);
    // Each loss was answered by a keyframe request (the sender restarts its encoder: a keyframe).
    expect(tap!.keyFrameRequests - requestsBefore).toBeGreaterThanOrEqual(2);
    expect(sender.restarts).toBeGreaterThanOrEqual(2);
    // Every picture handed out is whole: its stamp reads back, counters only go up, time is plausible.
    let last = -1;
    for (const { frame, receivedAt } of frames) {
      const stamp = readStamp(frame.data, 640, 480, receivedAt);
      expect(stamp.counter).toBeGreaterThan(last);
      expect(receivedAt - stamp.sentAt).toBeGreaterThanOrEqual(0);
      expect(receivedAt - stamp.sentAt).toBeLessThan(1_000);
      last = stamp.counter;
    }
    expect(frames.length).toBeGreaterThan(30);
  });

  it('shares one decoder between consumers and stops it (child, tap, health) with the last one', async () => {
    const { bridge, healthOf } = setup();
    const cam = ingress.addVideoProducer({ label: 'cam-1' });
    const a = await bridge.videoSource(cam.producerId);
    const b = await bridge.videoSource(cam.producerId);
    await Promise.all([nextFrame(a), nextFrame(b)]);
    expect(ingress.tapsOf(cam.producerId)).toHaveLength(1);
    const decoder = bridge.decoder(cam.producerId)!;
    const pid = decoder.pid!;

    await a.close();
    await nextFrame(b);
    expect(processAlive(pid)).toBe(true);

    // `break` out of for-await closes the source too.
    for await (const frame of b) {
      expect(frame.kind).toBe('video');
      break;
    }
    await waitFor('decoder child gone', () => !processAlive(pid), 3_000);
    expect(bridge.decoder(cam.producerId)).toBeUndefined();
    expect(ingress.tapsOf(cam.producerId)).toHaveLength(0);
    expect(healthOf(decoderHealthName(cam.producerId))).toBeUndefined();

    // A new consumer starts a new decoder.
    const c = await bridge.videoSource(cam.producerId);
    await nextFrame(c);
    expect(bridge.decoder(cam.producerId)!.pid).not.toBe(pid);
  });

  it('ends iteration when the producer closes for good', async () => {
    const { bridge } = setup();
    const mic = ingress.addToneProducer({ label: 'mic-1', frequency: 440 });
    const source = (await bridge.audioSource(mic.producerId)) as DecodedSource<AudioFrame>;
    await nextFrame(source);
    const loop = (async () => {
      let n = 0;
      for await (const _ of source) n++;
      return n;
    })();
    await sleep(200);
    await ingress.closeProducer(mic.producerId);
    expect(await loop).toBeGreaterThan(0);
    expect(source.endReason).toMatch(/producer closed/);
    expect(bridge.decoder(mic.producerId)).toBeUndefined();
  });

  it('refuses bad requests with errors that say what is wrong, and leaves nothing running', async () => {
    const { bridge, health } = setup();
    const cam = ingress.addVideoProducer({ label: 'cam-1' });
    const mic = ingress.addToneProducer({ label: 'mic-1', frequency: 440 });

    const unknown = bridge.videoSource('nope');
    await expect(unknown).rejects.toThrow(NotFoundError);
    await expect(unknown).rejects.toThrow(/unknown producer "nope" \(known: test-producer-1 \(demo\/cam-1, video\), test-producer-2 \(demo\/mic-1, audio\)\)/);
    await expect(bridge.audioSource(cam.producerId)).rejects.toThrow(/is video: use videoSource\(\)/);
    await expect(bridge.videoSource(mic.producerId)).rejects.toThrow(RequestError);
    await expect(bridge.videoSource(42 as unknown as string)).rejects.toThrow(ValidationError);
    await expect(bridge.videoSource('')).rejects.toThrow(/invalid producer id/);

    // The tap fails (the producer vanished meanwhile): the decoder child it started is stopped again.
    ingress.failNextTap = new NotFoundError('producer', cam.producerId, []);
    await expect(bridge.videoSource(cam.producerId)).rejects.toThrow(/unknown producer/);
    expect(bridge.decoder(cam.producerId)).toBeUndefined();
    expect(health.list().filter((e) => e.name.startsWith('media:decoder:'))).toEqual([]);

    // ...and the next request works.
    const source = await bridge.videoSource(cam.producerId);
    await nextFrame(source);
  });
});
