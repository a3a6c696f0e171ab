import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProducerInfo } from '../../server/media/MediaContracts.ts';
import { decoderHealthName } from '../../server/media/bridge/ProducerDecoder.ts';
import { byTestId, collectConsoleErrors, formatErrors, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';
import { assertMediaPagesBuilt, generateToneWav, webrtcChromiumFlags } from '../ingest/helpers/mediaFixtures.ts';
import { collectFrames, joinSamples, nextFrame } from './helpers/bridgeHarness.ts';
import { startBridgeServer, type BridgeServer } from './helpers/bridgeServer.ts';
import { readCoarseCounter, y4mFile } from './helpers/framePattern.ts';
import { dominantFrequency } from './helpers/tone.ts';

const CLIP_FRAMES = 60;

/**
 * The whole way in: headless Chromium's fake camera plays a y4m whose frames carry a counter, its
 * fake microphone a 440 Hz WAV; the capture page publishes them over WebRTC to mediasoup; the bridge
 * taps the producers and decodes them. What pipelines get is checked by content.
 */
describe('capture page -> mediasoup -> media bridge: a browser camera and microphone as frames and PCM', () => {
  let server: BridgeServer;
  let browser: TestBrowser;
  let dir: string;

  beforeAll(async () => {
    assertMediaPagesBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-capture-bridge-'));
    const y4m = path.join(dir, 'counter.y4m');
    writeFileSync(y4m, y4mFile(640, 480, CLIP_FRAMES, 30));
    const wav = generateToneWav(dir, { frequency: 440 });
    server = await startBridgeServer();
    browser = await launchBrowser(webrtcChromiumFlags({ video: y4m, audio: wav }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('decodes the camera to 640x480 frames at >= 25 fps with the counter advancing, and the microphone to the tone', async () => {
    const operator = await server.createToken('operator');
    const page = await browser.newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(`${server.url}/capture/?room=demo&name=desk&quality=480p&autostart=1#token=${encodeURIComponent(operator)}`);
    await page.locator(byTestId('capture-root', { state: 'publishing' })).waitFor({ timeout: 30_000 });
    const [cam, mic] = await waitFor('desk-cam and desk-mic producers', () => {
      const producers = server.ingress.producers('demo');
      const found = ['desk-cam', 'desk-mic'].map((label) => producers.find((p) => p.label === label));
      return found.every(Boolean) ? (found as ProducerInfo[]) : null;
    }, 20_000);

    const video = await server.bridge.videoSource(cam!.producerId);
    const audio = await server.bridge.audioSource(mic!.producerId);
    await Promise.all([nextFrame(video, 20_000), nextFrame(audio, 20_000)]);
    // WebRTC ramps its bitrate up over the first seconds; judge the stream once it has.
    await collectFrames(video, 1_000);
    const sound = collectFrames(audio, 2_000);

    /** One 3 s window: size, counter advancing (mod the clip length), decoded vs published rate. */
    const judge = async () => {
      const frames = await collectFrames(video, 3_000);
      for (const { frame } of frames) expect([frame.width, frame.height, frame.format]).toEqual([640, 480, 'rgb24']);
      const counters = frames.map(({ frame }) => readCoarseCounter(frame.data, 640, 480));
      const trail = counters.join(',');
      expect(counters.every((c) => c < CLIP_FRAMES), trail).toBe(true);
      const steps = counters.slice(1).map((c, i) => (c - counters[i]! + CLIP_FRAMES) % CLIP_FRAMES);
      // Advancing: every picture newer than the one before (a skip is a dropped frame, counted in the rate).
      expect(steps.filter((step) => step >= 1 && step < CLIP_FRAMES / 2).length / steps.length, trail).toBeGreaterThanOrEqual(0.95);
      const seconds = (frames.at(-1)!.receivedAt - frames[0]!.receivedAt) / 1000;
      // How fast the browser really sent (the counter's advance): on an overloaded machine Chromium's
      // fake camera itself falls below 30 fps, and the bridge can only be asked to keep up with it.
      const publishedFps = steps.reduce((a, b) => a + b, 0) / seconds;
      const decodedFps = (frames.length - 1) / seconds;
      const needed = publishedFps >= 28 ? 25 : 0.85 * publishedFps;
      return { ok: publishedFps > 10 && decodedFps >= needed, text: `decoded ${decodedFps.toFixed(1)} fps of ${publishedFps.toFixed(1)} published (needed ${needed.toFixed(1)}): ${trail}` };
    };
    // The best of up to three windows: a parallel test hogging both cores for a moment is not the bridge.
    const windows: string[] = [];
    let passed = false;
    for (let attempt = 0; attempt < 3 && !passed; attempt++) {
      const result = await judge();
      windows.push(result.text);
      passed = result.ok;
    }
    expect(passed, windows.join('\n')).toBe(true);

    const pcm = joinSamples((await sound).map((s) => s.frame));
    expect(Math.abs(dominantFrequency(pcm, 48_000) - 440)).toBeLessThanOrEqual(2);
    const health = server.roomcast.services.health.list();
    expect(health.find((e) => e.name === decoderHealthName(cam!.producerId))?.state).toBe('ok');
    expect(health.find((e) => e.name === decoderHealthName(mic!.producerId))?.state).toBe('ok');

    await Promise.all([video.close(), audio.close()]);
    expect(errors.unexpected(), formatErrors(errors.unexpected())).toEqual([]);
    await page.close();
  }, 90_000);
});
