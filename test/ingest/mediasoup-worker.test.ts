import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

// The worker is provided by server/setup/mediasoup-worker.mjs (run by `npm test` via setup.mjs),
// at the path mediasoup itself spawns by default.
const require = createRequire(import.meta.url);
const mediasoupRoot = path.dirname(require.resolve('mediasoup/package.json'));
const defaultWorkerPath = path.join(mediasoupRoot, 'worker', 'out', 'Release', 'mediasoup-worker');

const mediaCodecs: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

const started: types.Worker[] = [];

async function startWorker(): Promise<types.Worker> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  started.push(worker);
  return worker;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

afterAll(() => {
  for (const worker of started) if (!worker.closed) worker.close();
});

describe('mediasoup worker (the C++ media engine behind WebRTC ingest)', () => {
  it('is installed as a real executable at the path mediasoup spawns by default', () => {
    // An install-time MEDIASOUP_WORKER_BIN=/dev/null must not leak into run time.
    expect(process.env.MEDIASOUP_WORKER_BIN).toBeUndefined();
    const stat = fs.statSync(defaultWorkerPath);
    expect(stat.isFile()).toBe(true);
    expect(stat.size).toBeGreaterThan(1024 * 1024);
    expect(() => fs.accessSync(defaultWorkerPath, fs.constants.X_OK)).not.toThrow();
  });

  it('createWorker() starts a live worker subprocess that answers requests', async () => {
    const worker = await startWorker();

    expect(worker.pid).toBeGreaterThan(0);
    expect(processExists(worker.pid)).toBe(true);
    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);
  });

  it('creates a router whose RTP capabilities offer VP8, H264 and Opus', async () => {
    const worker = await startWorker();
    const router = await worker.createRouter({ mediaCodecs });

    const mimeTypes = (router.rtpCapabilities.codecs ?? []).map((codec) => codec.mimeType.toLowerCase());
    expect(mimeTypes).toEqual(expect.arrayContaining(['video/vp8', 'video/h264', 'audio/opus']));
    const h264 = router.rtpCapabilities.codecs?.find((codec) => codec.mimeType.toLowerCase() === 'video/h264');
    expect(h264?.parameters?.['packetization-mode']).toBe(1);
  });

  it('creates a WebRtcTransport listening on 127.0.0.1 only', async () => {
    const worker = await startWorker();
    const router = await worker.createRouter({ mediaCodecs });
    const transport = await router.createWebRtcTransport({
      listenIps: [{ ip: '127.0.0.1' }],
      enableUdp: true,
      enableTcp: false,
    });

    expect(transport.iceCandidates.length).toBeGreaterThan(0);
    for (const candidate of transport.iceCandidates) {
      expect(candidate.ip).toBe('127.0.0.1');
      expect(candidate.protocol).toBe('udp');
      expect(candidate.port).toBeGreaterThan(0);
    }
    expect(transport.iceParameters.usernameFragment).not.toBe('');
    expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    transport.close();
    expect(transport.closed).toBe(true);
  });

  it('close() emits "close" and the worker subprocess exits', async () => {
    const worker = await startWorker();
    const pid = worker.pid;
    expect(processExists(pid)).toBe(true);
    const closed = new Promise<void>((resolve) => worker.observer.once('close', () => resolve()));

    worker.close();

    await closed;
    expect(worker.closed).toBe(true);
    // The subprocess gets SIGTERM; give it a moment to exit and be reaped.
    await expect.poll(() => processExists(pid), { timeout: 5000, interval: 50 }).toBe(false);
  });
});
