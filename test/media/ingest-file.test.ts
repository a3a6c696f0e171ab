import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProducerInfo } from '../../server/media/MediaContracts.ts';
import { ROOMCAST_BIN } from '../helpers/roomcastProcess.ts';
import { waitFor } from '../helpers/wait.ts';
import { collectFrames, joinSamples, nextFrame } from './helpers/bridgeHarness.ts';
import { startBridgeServer, type BridgeServer } from './helpers/bridgeServer.ts';
import { readStamp } from './helpers/framePattern.ts';
import { writePatternClip } from './helpers/mediaFiles.ts';
import { dominantFrequency } from './helpers/tone.ts';

interface CliRun {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * `roomcast ingest file|test` as a user runs it, against a real server (mediasoup ingest + media
 * bridge): what it publishes is decoded by the bridge and checked by content (the clip's frame
 * counter, its tone), and when it ends its producers leave the room and its temporary token is gone.
 */
describe('roomcast ingest: media files and a test source published into a room', () => {
  let server: BridgeServer;
  let dir: string;
  let clip: string;
  let shortClip: string;
  const runs: CliRun[] = [];

  const cli = (args: string[], env: Record<string, string> = {}): CliRun => {
    const child = spawn(process.execPath, [ROOMCAST_BIN, 'ingest', ...args], { env: { ...process.env, ...server.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const run: CliRun = { child, output: () => output, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
    runs.push(run);
    return run;
  };

  const producersOf = async (run: CliRun, count: number): Promise<ProducerInfo[]> => {
    const ids = await waitFor('the CLI to print its producers', () => {
      const found = [...run.output().matchAll(/\(producer ([0-9a-f-]{36})\)/g)].map((m) => m[1]!);
      return found.length === count ? found : null;
    }, 20_000);
    return ids.map((id) => server.ingress.producer(id)!);
  };

  const tokenCount = async () => (await server.roomcast.services.tokens.list()).length;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-ingest-file-'));
    clip = path.join(dir, 'Lobby cam (take 2).webm');
    shortClip = path.join(dir, 'short.webm');
    [server] = await Promise.all([startBridgeServer(), writePatternClip(clip, { seconds: 6, frequency: 330, width: 640, height: 480 }), writePatternClip(shortClip, { seconds: 2, frequency: 330 })]);
  });

  afterEach(async () => {
    // A test that failed half-way must not leave its publisher running into the next one.
    for (const run of runs.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGINT');
      await run.exited;
    }
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a file\'s video and audio in real time; the bridge decodes its frames and tone; at the end everything is cleaned up', async () => {
    const tokensBefore = await tokenCount();
    // No --url and no --token: the server comes from the config, a temporary operator token from its Redis.
    const run = cli(['file', clip, '--room', 'demo']);
    const [video, audio] = await producersOf(run, 2);
    expect(video).toMatchObject({ room: 'demo', label: 'Lobby cam take 2-video', kind: 'video', origin: 'rtp', codec: { mimeType: 'video/VP8' } });
    expect(audio).toMatchObject({ room: 'demo', label: 'Lobby cam take 2-audio', kind: 'audio', origin: 'rtp', codec: { mimeType: 'audio/opus' } });
    expect(await tokenCount()).toBe(tokensBefore + 1);

    const [frames, sound] = await Promise.all([
      (async () => {
        const source = await server.bridge.videoSource(video!.producerId);
        await nextFrame(source, 10_000);
        return collectFrames(source, 1_500);
      })(),
      (async () => {
        const source = await server.bridge.audioSource(audio!.producerId);
        await nextFrame(source, 10_000);
        return collectFrames(source, 1_500);
      })(),
    ]);
    expect(frames.length).toBeGreaterThan(30);
    const counters = frames.map(({ frame }) => readStamp(frame.data, frame.width, frame.height).counter);
    expect(counters.slice(1).every((c, i) => c > counters[i]!), counters.join(',')).toBe(true);
    expect(counters.at(-1)!).toBeLessThan(180);
    expect(Math.abs(dominantFrequency(joinSamples(sound.map((s) => s.frame)), 48_000) - 330)).toBeLessThanOrEqual(2);

    // 6 s file: it ends by itself, exit 0; producers gone, temporary token revoked.
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('end of file');
    expect(server.ingress.producers('demo')).toEqual([]);
    expect(await tokenCount()).toBe(tokensBefore);
  }, 60_000);

  it('loops a file until Ctrl-C, then removes its producer', async () => {
    const token = await server.createToken('operator');
    const run = cli(['file', shortClip, '--room', 'demo', '--label', 'loop', '--no-audio', '--loop', '--url', server.url, '--token', token]);
    const [video] = await producersOf(run, 1);
    expect(video).toMatchObject({ label: 'loop', kind: 'video' });
    const source = await server.bridge.videoSource(video!.producerId);
    // The 2 s clip (60 frames) starts again: the counter goes back to the start.
    let previous = -1;
    await waitFor('the counter to wrap around', async () => {
      const frame = await nextFrame(source, 5_000);
      const { counter } = readStamp(frame.data, frame.width, frame.height);
      const wrapped = previous >= 0 && counter < previous - 20;
      previous = counter;
      return wrapped;
    }, 10_000, 0);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('stopped');
    expect(server.ingress.producer(video!.producerId)).toBeUndefined();
  }, 60_000);

  it('publishes a test tone (ingest test) until stopped', async () => {
    const run = cli(['test', '--room', 'demo', '--no-video', '--tone', '523']);
    const [audio] = await producersOf(run, 1);
    expect(audio).toMatchObject({ label: 'test', kind: 'audio' });
    const source = await server.bridge.audioSource(audio!.producerId);
    await nextFrame(source, 10_000);
    const sound = await collectFrames(source, 1_500);
    expect(Math.abs(dominantFrequency(joinSamples(sound.map((s) => s.frame)), 48_000) - 523)).toBeLessThanOrEqual(2);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(server.ingress.producers('demo')).toEqual([]);
  }, 60_000);

  it('says what is wrong: no such file, not media, unknown room, no server, bad options', async () => {
    const notMedia = path.join(dir, 'notes.txt');
    writeFileSync(notMedia, 'not a video\n');
    const cases: Array<[string[], RegExp]> = [
      [['file', path.join(dir, 'missing.webm'), '--room', 'demo'], /missing\.webm: no such file/],
      [['file', notMedia, '--room', 'demo'], /notes\.txt: Could not determine type of stream/],
      [['file', shortClip, '--room', 'nope'], /refused the video input "short-video" \(HTTP 404\): unknown room "nope" \(known: demo\)/],
      [['file', shortClip, '--room', 'demo', '--url', 'http://127.0.0.1:1'], /no Roomcast server answers at http:\/\/127\.0\.0\.1:1/],
      [['file', shortClip, '--room', 'demo', '--size', '641x480'], /--size.*even numbers/],
      [['file', shortClip], /required option '--room <room>' not specified/],
    ];
    const runs = cases.map(([args]) => cli(args));
    const codes = await Promise.all(runs.map((run) => run.exited));
    cases.forEach(([, message], i) => {
      expect(codes[i], runs[i]!.output()).not.toBe(0);
      expect(runs[i]!.output()).toMatch(message);
    });
    // Nothing was left behind by the refused runs.
    expect(server.ingress.producers('demo')).toEqual([]);
  }, 90_000);
});
