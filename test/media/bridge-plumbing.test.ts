import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log/logger.ts';
import { FrameQueue } from '../../server/media/bridge/FrameQueue.ts';
import { MediaBridgeConfigSchema } from '../../server/media/bridge/mediaBridgeConfig.ts';
import { formatZodError } from '../../server/validation/formatIssues.ts';
import { GdpFramingError, GdpReader, type GdpBuffer } from '../../server/media/bridge/gst/GdpReader.ts';
import { GstPipelineClock, parseBaseTime } from '../../server/media/bridge/gst/GstPipelineClock.ts';
import type { AudioOutput } from '../../server/media/bridge/outputs/AudioOutput.ts';
import { BLOCK_MS, PcmPlayback } from '../../server/media/bridge/PcmPlayback.ts';
import { sleep } from '../helpers/wait.ts';

/** What one gst-launch run writes to stdout. */
function gstStdout(args: string[]): Buffer {
  const res = spawnSync('gst-launch-1.0', ['-q', ...args], { maxBuffer: 64 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`gst-launch failed: ${res.stderr.toString()}`);
  return res.stdout;
}

/** An output that keeps what it is given and when (to check the playback's blocks and pacing). */
class RecordingOutput implements AudioOutput {
  readonly type = 'speakers' as const;
  readonly healthName = 'test';
  readonly pid = undefined;
  readonly blocks: Array<{ at: number; samples: Float32Array }> = [];
  closed = false;
  async start(): Promise<void> {}
  write(block: Buffer): void {
    this.blocks.push({ at: performance.now(), samples: new Float32Array(block.buffer.slice(block.byteOffset, block.byteOffset + block.length)) });
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('media bridge plumbing: GDP framing, the pipeline clock, bounded queues, paced playback', () => {
  it('reads GStreamer Data Protocol from a real gst-launch, whatever the chunking, with each buffer intact', () => {
    const pipeline = ['videotestsrc', 'num-buffers=6', 'pattern=smpte', '!', 'video/x-raw,format=RGB,width=16,height=8,framerate=30/1'];
    const raw = gstStdout([...pipeline, '!', 'fdsink', 'fd=1']);
    const gdp = gstStdout([...pipeline, '!', 'gdppay', '!', 'fdsink', 'fd=1']);
    expect(raw.length).toBe(6 * 16 * 8 * 3);
    for (const chunkSize of [1, 7, 61, 62, 63, 384, 4096, gdp.length]) {
      const buffers: GdpBuffer[] = [];
      const caps: string[] = [];
      const reader = new GdpReader({ buffer: (b) => buffers.push(b), caps: (c) => caps.push(c) });
      for (let i = 0; i < gdp.length; i += chunkSize) reader.write(gdp.subarray(i, i + chunkSize));
      expect(buffers).toHaveLength(6);
      expect(Buffer.concat(buffers.map((b) => b.payload)).equals(raw)).toBe(true);
      expect(caps[0]).toMatch(/^video\/x-raw, format=\(string\)RGB, width=\(int\)16, height=\(int\)8/);
      // Timestamps survive: 0, 1/30 s, 2/30 s...
      expect(buffers.map((b) => Number(b.pts) / 1e6).map(Math.round)).toEqual([0, 33, 67, 100, 133, 167]);
      expect(buffers.every((b) => b.payload.byteOffset === 0)).toBe(true);
    }
  });

  it('stops at a stream that is not GDP, instead of handing out garbage frames', () => {
    const reader = new GdpReader({ buffer: () => undefined });
    expect(() => reader.write(Buffer.alloc(100, 7))).toThrow(GdpFramingError);
    expect(() => reader.write(Buffer.alloc(1))).toThrow(/GDP stream out of sync: bad version 7.7/);
  });

  it("maps a pipeline's running time to epoch ms through the base time GStreamer logs", () => {
    const line = '0:00:00.030225885  6918 0x556058ad3430 DEBUG               pipeline gstpipeline.c:494:gst_pipeline_change_state:<pipeline0> start_time=0:00:00.000000000, now=1:00:04.270771875, base_time 1:00:04.270771875';
    expect(parseBaseTime(line)).toBe(3_604_270_771_875n);
    expect(parseBaseTime('ERROR: from element x: y')).toBeUndefined();
    // A buffer stamped "now" on a pipeline that started 2 s ago maps to Date.now().
    const base = process.hrtime.bigint() - 2_000_000_000n;
    const clock = new GstPipelineClock(base);
    expect(Math.abs(clock.toEpochMs(2_000_000_000n) - Date.now())).toBeLessThan(3);
    expect(Math.abs(clock.toEpochMs(1_500_000_000n) - (Date.now() - 500))).toBeLessThan(3);
  });

  it('has a config section whose defaults are the documented ones and whose mistakes are named', () => {
    const defaults = MediaBridgeConfigSchema.parse({});
    expect(defaults.video).toEqual({ width: 640, height: 480, maxFps: 30, jitterBufferMs: 50 });
    expect(defaults.audio.channels).toBe(1);
    expect(defaults.icecast.password).toBe('');
    const bad = MediaBridgeConfigSchema.safeParse({
      video: { widht: 320 },
      maxRestartDelayMs: 5_000,
      icecast: { mounts: [{ mount: '/a.ogg' }, { mount: '/a.ogg' }, { mount: 'b.mp3' }] },
    });
    expect(bad.success).toBe(false);
    const message = formatZodError(bad.error!, MediaBridgeConfigSchema);
    expect(message).toContain('video.widht: unknown key (did you mean "width"?)');
    expect(message).toMatch(/maxRestartDelayMs: .*1900/); // a restart must come within 2 s
    expect(message).toContain('icecast.mounts[1].mount: duplicate mount "/a.ogg"');
    expect(message).toMatch(/icecast\.mounts\[2\]\.mount: must look like "\/name\.ogg"/);
  });

  it('keeps only the newest items when the reader is slow, counting the dropped ones', async () => {
    const latest = new FrameQueue<number>({ capacity: 1 });
    for (let i = 1; i <= 5; i++) latest.push(i);
    expect(await latest.next()).toBe(5);
    expect(latest.dropped).toBe(4);

    const audio = new FrameQueue<Float32Array>({ capacity: 960 * 3, weigh: (f) => f.length });
    for (let i = 0; i < 10; i++) audio.push(new Float32Array(960).fill(i));
    expect(audio.size).toBe(3);
    expect(audio.dropped).toBe(7);
    expect((await audio.next())![0]).toBe(7);

    // A waiting reader gets the next item at once; end() lets queued items out, then says done.
    const waiting = new FrameQueue<string>({ capacity: 1 });
    const next = waiting.next();
    waiting.push('a');
    expect(await next).toBe('a');
    waiting.push('b');
    waiting.end();
    expect(await waiting.next()).toBe('b');
    expect(await waiting.next()).toBeUndefined();
  });

  it('cuts written PCM into 20 ms blocks, releases them at the wall-clock pace and makes the writer wait', async () => {
    const output = new RecordingOutput();
    const playback = new PcmPlayback({ id: 'p', channels: 2, outputs: [output], playAheadMs: 100, logger: createLogger({ level: 'silent' }) });
    // 1 s of stereo in odd-sized pieces; sample value = its frame index, so order and continuity show.
    const frames = 48_000;
    const started = performance.now();
    for (let offset = 0; offset < frames; ) {
      const n = Math.min(frames - offset, 1_234);
      const piece = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) piece[2 * i] = piece[2 * i + 1] = offset + i;
      await playback.write(piece);
      offset += n;
    }
    const writeMs = performance.now() - started;
    await sleep(200);
    expect(output.blocks).toHaveLength(50);
    const all = output.blocks.flatMap((b) => [...b.samples]);
    expect(all.length).toBe(frames * 2);
    expect(all.every((v, i) => v === Math.floor(i / 2))).toBe(true);
    // 1 s of audio: the writer was held back to ~1 s minus what may wait ahead (100 ms).
    expect(writeMs).toBeGreaterThan(800);
    // Blocks left ~20 ms apart: the whole second spans ~980 ms.
    const span = output.blocks.at(-1)!.at - output.blocks[0]!.at;
    expect(span).toBeGreaterThan(900);
    expect(span).toBeLessThan(1_200);

    // The writer pauses for 300 ms (an underrun): the schedule restarts instead of bursting to catch up.
    await sleep(300);
    const before = output.blocks.length;
    await playback.write(new Float32Array(4_800 * 2));
    await sleep(40);
    expect(output.blocks.length - before).toBeLessThanOrEqual(3);
    await sleep(150);
    expect(output.blocks.length - before).toBe(5);
    expect(playback.underruns).toBe(1);
    expect(BLOCK_MS).toBe(20);

    await playback.close();
    expect(output.closed).toBe(true);
    await expect(playback.write(new Float32Array(2))).rejects.toThrow(/closed/);
  });
});
