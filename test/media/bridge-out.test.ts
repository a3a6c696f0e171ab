import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, RequestError } from '../../server/errors.ts';
import type { AudioPlayback } from '../../server/media/MediaContracts.ts';
import { PcmFormatError, type PcmPlayback } from '../../server/media/bridge/PcmPlayback.ts';
import type { GstAudioOutput } from '../../server/media/bridge/outputs/GstAudioOutput.ts';
import { ValidationError } from '../../server/validation/formatIssues.ts';
import { startIcecast, type IcecastPeer } from '../peers/icecast.ts';
import { startPulseAudio, type PulseAudioPeer } from '../peers/pulseaudio.ts';
import { processAlive, sleep, waitFor } from '../helpers/wait.ts';
import { createBridge } from './helpers/bridgeHarness.ts';
import { decodeAudio } from './helpers/decodeAudio.ts';
import { RtpTestIngress } from './helpers/RtpTestIngress.ts';
import { dominantFrequency, rms, sine } from './helpers/tone.ts';

/** Write `seconds` of a tone as fast as play() lets us (it paces us to the wall clock). */
async function playTone(playback: AudioPlayback, frequency: number, seconds: number, channels: 1 | 2 = 1): Promise<void> {
  const chunkSeconds = 0.1;
  for (let t = 0; t < seconds - 1e-9; t += chunkSeconds) {
    await playback.write(sine(frequency, chunkSeconds, { channels, offset: Math.round(t * 48_000), amplitude: 0.4 }));
  }
}

/** The loud part of a recording (silence before the stream started and after it ended trimmed). */
function loudPart(samples: Float32Array): Float32Array {
  const block = 960;
  let first = -1;
  let last = -1;
  for (let i = 0; i + block <= samples.length; i += block) {
    if (rms(samples.subarray(i, i + block)) > 0.05) {
      if (first < 0) first = i;
      last = i + block;
    }
  }
  return first < 0 ? new Float32Array(0) : samples.subarray(first, last);
}

/** RMS per 100 ms, for failure messages. */
function timeline(samples: Float32Array): string {
  const out: string[] = [];
  for (let i = 0; i + 4800 <= samples.length; i += 4800) out.push(rms(samples.subarray(i, i + 4800)).toFixed(2));
  return out.join(' ');
}

/**
 * The bridge's output side against real peers: a private PulseAudio whose null sink is recorded back
 * from its monitor, a private Icecast a listener reads from, and the Opus RTP the listeners' injector
 * receives — each decoded and checked for the tone that was played.
 */
describe('media bridge out: play() to listeners, speakers and Icecast', () => {
  let pulse: PulseAudioPeer;
  let icecast: IcecastPeer;
  let ingress: RtpTestIngress;
  let harness: ReturnType<typeof createBridge> | undefined;

  const setup = (config: Record<string, unknown> = {}) => {
    ingress = new RtpTestIngress(['demo', 'stage']);
    harness = createBridge(ingress, {
      speakers: { server: pulse.server, sink: pulse.sink },
      icecast: {
        host: icecast.host,
        port: icecast.port,
        password: icecast.sourcePassword,
        mounts: [{ mount: '/roomcast.ogg', name: 'Roomcast test', description: 'a tone' }, { mount: '/roomcast.mp3' }],
      },
      ...config,
    });
    return harness;
  };

  beforeAll(async () => {
    [pulse, icecast] = await Promise.all([startPulseAudio(), startIcecast()]);
  });

  afterEach(async () => {
    await harness?.bridge.close();
    harness = undefined;
    await ingress?.close();
  });

  afterAll(async () => {
    await Promise.all([pulse?.stop(), icecast?.stop()]);
  });

  it('plays to the room speakers (PulseAudio): the sink monitor records the same tone, paced by the wall clock', async () => {
    const { bridge, healthOf } = setup();
    const playback = await bridge.play({ channels: 1, targets: [{ type: 'speakers' }] });
    await waitFor('speakers output healthy', () => healthOf('media:output:play-1:speakers:roomspeaker')?.state === 'ok', 5_000);
    const recording = await pulse.startRecording();
    const started = performance.now();
    await playTone(playback, 523.25, 2);
    const writeSeconds = (performance.now() - started) / 1000;
    await sleep(800);
    const raw = await recording.stop();
    const recorded = loudPart(raw);
    await playback.close();

    // 2 s of audio took ~2 s to write: write() waits while more than playAheadMs is queued.
    expect(writeSeconds).toBeGreaterThan(1.75);
    expect(writeSeconds).toBeLessThan(2.8);
    expect(recorded.length / 48_000, timeline(raw)).toBeGreaterThan(1.8);
    expect(Math.abs(dominantFrequency(recorded, 48_000) - 523.25)).toBeLessThanOrEqual(2);
    expect(rms(recorded)).toBeGreaterThan(0.15);
    expect(healthOf('media:output:play-1:speakers:roomspeaker')).toBeUndefined();
  });

  it('streams Ogg/Opus and MP3 to Icecast: a listener reads each mount and it decodes to the tone', async () => {
    const { bridge, healthOf } = setup();
    const playback = await bridge.play({
      channels: 2,
      targets: [
        { type: 'icecast', mount: '/roomcast.ogg', format: 'ogg-opus' },
        { type: 'icecast', mount: '/roomcast.mp3', format: 'mp3' },
      ],
    });
    const writing = playTone(playback, 660, 5, 2);
    writing.catch(() => undefined); // if the test fails first, closing the bridge rejects it
    await waitFor('both mounts live', async () => (await icecast.liveMounts()).length === 2, 5_000, 100);
    const [ogg, mp3] = await Promise.all([icecast.listen('/roomcast.ogg', 2_500), icecast.listen('/roomcast.mp3', 2_500)]);
    expect(healthOf('media:output:play-1:icecast:/roomcast.ogg')?.state).toBe('ok');
    expect(healthOf('media:output:play-1:icecast:/roomcast.mp3')?.state).toBe('ok');
    await writing;
    await playback.close();

    expect([ogg.status, ogg.contentType]).toEqual([200, 'audio/ogg']);
    expect([mp3.status, mp3.contentType]).toEqual([200, 'audio/mpeg']);
    expect(ogg.body.subarray(0, 4).toString('latin1')).toBe('OggS');
    for (const [format, stream] of [['ogg', ogg], ['mp3', mp3]] as const) {
      const { samples, stderr } = await decodeAudio(stream.body);
      const heard = loudPart(samples);
      expect(heard.length / 48_000, `${format}: ${stderr}`).toBeGreaterThan(1);
      expect(Math.abs(dominantFrequency(heard, 48_000) - 660), format).toBeLessThanOrEqual(2);
    }
    await waitFor('mounts released', async () => (await icecast.liveMounts()).length === 0, 5_000, 100);
  });

  it('sends Opus RTP with the injector payload type and SSRC to the listeners of a zone, from one source port across restarts; it decodes to the tone', async () => {
    const { bridge, healthOf } = setup();
    const playback = await bridge.play({ channels: 1, targets: [{ type: 'listeners', room: 'demo', zone: 'lobby' }] });
    const { injector, receiver } = ingress.injectors.get('demo/lobby')!;
    const writing = playTone(playback, 784, 3);
    writing.catch(() => undefined); // if the test fails first, closing the bridge rejects it
    const name = 'media:output:play-1:listeners:demo/lobby';
    await waitFor('listeners output healthy', () => healthOf(name)?.state === 'ok', 5_000);
    // A restarted encoder sends from the same source port (mediasoup's comedia transport locked onto it).
    process.kill((playback as PcmPlayback).outputs[0]!.pid!, 'SIGKILL');
    await waitFor('listeners output down', () => healthOf(name)?.state === 'down', 2_000, 5);
    await waitFor('listeners output restarted', () => healthOf(name)?.state === 'ok', 5_000);
    await writing;
    await sleep(200);
    expect([...receiver.sourcePorts]).toHaveLength(1);
    const heard = loudPart(receiver.samples());
    expect(receiver.packets).toBeGreaterThan(80); // 20 ms packets
    expect([...receiver.payloadTypes]).toEqual([injector.payloadType]);
    expect([...receiver.ssrcs]).toEqual([injector.ssrc]);
    expect(heard.length / 48_000).toBeGreaterThan(1.5);
    expect(Math.abs(dominantFrequency(heard, 48_000) - 784)).toBeLessThanOrEqual(2);
    await playback.close();
    // Closing the playback closes the injector (listeners' producer) too.
    expect(ingress.injectors.has('demo/lobby')).toBe(false);
  });

  it('restarts an output whose child dies; health shows it, and the speakers play again', async () => {
    const { bridge, healthOf } = setup();
    const playback = (await bridge.play({ channels: 1, targets: [{ type: 'speakers' }] })) as PcmPlayback;
    const name = 'media:output:play-1:speakers:roomspeaker';
    const writing = playTone(playback, 440, 6);
    writing.catch(() => undefined); // if the test fails first, closing the bridge rejects it
    await waitFor('speakers output healthy', () => healthOf(name)?.state === 'ok', 5_000);
    const output = playback.outputs[0] as GstAudioOutput;
    const pid = output.pid!;
    const recording = await pulse.startRecording();
    await sleep(300);
    process.kill(pid, 'SIGKILL');
    await waitFor('output health down', () => healthOf(name)?.state === 'down', 2_000, 5);
    expect(healthOf(name)?.reason).toMatch(/speakers \(sink roomspeaker\): output exited \(killed by SIGKILL\); restarting/);
    await waitFor('output health ok again', () => healthOf(name)?.state === 'ok', 4_000);
    expect(output.pid).not.toBe(pid);
    expect(processAlive(pid)).toBe(false);
    await sleep(1_200);
    const raw = await recording.stop();
    // A null sink's monitor only runs while something plays, so the restart gap doesn't show in the
    // recording; what matters is that the last second, well after the restart, is the tone again.
    expect(raw.length / 48_000, timeline(raw)).toBeGreaterThan(2);
    const after = raw.subarray(raw.length - 48_000);
    expect(rms(after), timeline(raw)).toBeGreaterThan(0.15);
    expect(Math.abs(dominantFrequency(after, 48_000) - 440)).toBeLessThanOrEqual(2);
    await playback.close();
    await expect(writing).rejects.toThrow(/was closed/); // the write waiting for room was cut short
  });

  it('keeps retrying an Icecast mount with a wrong password, saying why, while the other outputs play', async () => {
    const { bridge, healthOf } = setup({
      icecast: { host: icecast.host, port: icecast.port, password: 'wrong-password', mounts: [{ mount: '/roomcast.ogg' }] },
    });
    const playback = await bridge.play({ channels: 1, targets: [{ type: 'icecast', mount: '/roomcast.ogg', format: 'ogg-opus' }, { type: 'speakers' }] });
    const writing = playTone(playback, 587.33, 3);
    writing.catch(() => undefined); // if the test fails first, closing the bridge rejects it
    await waitFor('icecast output down', () => /login failed \(401\)/.test(healthOf('media:output:play-1:icecast:/roomcast.ogg')?.reason ?? ''), 5_000);
    expect(healthOf('media:output:play-1:icecast:/roomcast.ogg')?.state).toBe('down');
    expect(JSON.stringify(healthOf('media:output:play-1:icecast:/roomcast.ogg'))).not.toContain('wrong-password');
    await waitFor('speakers output healthy', () => healthOf('media:output:play-1:speakers:roomspeaker')?.state === 'ok', 5_000);
    const recorded = loudPart(await pulse.record(1_000));
    expect(Math.abs(dominantFrequency(recorded, 48_000) - 587.33)).toBeLessThanOrEqual(2);
    expect(await icecast.liveMounts()).toEqual([]);
    await writing;
    await playback.close();
  });

  it('refuses bad play requests and bad PCM with errors that say what is wrong, and leaves nothing running', async () => {
    const { bridge, health } = setup();
    const play = (options: unknown) => bridge.play(options as Parameters<typeof bridge.play>[0]);

    await expect(play({ channels: 1, targets: [] })).rejects.toThrow(/targets: name at least one target/);
    await expect(play({ channels: 3, targets: [{ type: 'speakers' }] })).rejects.toThrow(ValidationError);
    await expect(play({ channels: 1, targets: [{ type: 'radio' }] })).rejects.toThrow(/targets\[0\]\.type/);
    await expect(play({ channels: 1, targets: [{ type: 'icecast', mount: 'no-slash', format: 'ogg-opus' }] })).rejects.toThrow(/targets\[0\]\.mount: must look like/);
    await expect(play({ channels: 1, targets: [{ type: 'icecast', mount: '/x.ogg', format: 'wav' }] })).rejects.toThrow(/targets\[0\]\.format: must be one of "ogg-opus", "mp3"/);
    await expect(play({ channels: 1, targets: [{ type: 'listeners', room: 'demo' }] })).rejects.toThrow(/targets\[0\]\.zone/);
    await expect(play({ channels: 1, targets: [{ type: 'speakers', volume: 11 }] })).rejects.toThrow(/targets\[0\]\.volume: unknown key/);
    await expect(play({ channels: 1, targets: [{ type: 'icecast', mount: '/nope.ogg', format: 'ogg-opus' }] })).rejects.toThrow(NotFoundError);
    await expect(play({ channels: 1, targets: [{ type: 'icecast', mount: '/nope.ogg', format: 'ogg-opus' }] })).rejects.toThrow(/unknown icecast mount "\/nope.ogg" \(known: \/roomcast.ogg, \/roomcast.mp3\)/);
    await expect(play({ channels: 1, targets: [{ type: 'listeners', room: 'nope', zone: 'lobby' }] })).rejects.toThrow(/unknown room "nope"/);
    await expect(play({ channels: 1, targets: [{ type: 'speakers' }, { type: 'speakers' }] })).rejects.toThrow(/targets\[1\]: speakers is named twice/);

    // One stream per Icecast mount, one generated stream per listening zone.
    const first = await bridge.play({ channels: 1, targets: [{ type: 'icecast', mount: '/roomcast.ogg', format: 'ogg-opus' }, { type: 'listeners', room: 'demo', zone: 'lobby' }] });
    await expect(play({ channels: 1, targets: [{ type: 'icecast', mount: '/roomcast.ogg', format: 'mp3' }] })).rejects.toThrow(/already playing another stream/);
    const zoneTaken = play({ channels: 1, targets: [{ type: 'speakers' }, { type: 'listeners', room: 'demo', zone: 'lobby' }] });
    await expect(zoneTaken).rejects.toThrow(RequestError);
    await expect(zoneTaken).rejects.toThrow(/already has an audio injector/);

    // Bad PCM.
    await expect(first.write([0.1, 0.2] as unknown as Float32Array)).rejects.toThrow(/takes a Float32Array of 48 kHz PCM, got Array/);
    const stereo = await bridge.play({ channels: 2, targets: [{ type: 'speakers' }] });
    await expect(stereo.write(new Float32Array(3))).rejects.toThrow(PcmFormatError);
    await stereo.close();
    await expect(stereo.write(new Float32Array(2))).rejects.toThrow(/is closed/);
    await first.close();

    // Only what the failed requests would have started is gone; nothing is left over.
    expect(health.list().filter((e) => e.name.startsWith('media:output:'))).toEqual([]);
    expect(ingress.injectors.size).toBe(0);

    // Icecast output off (no password): a clear refusal.
    const off = createBridge(ingress, { icecast: { mounts: [{ mount: '/roomcast.ogg' }] } });
    await expect(off.bridge.play({ channels: 1, targets: [{ type: 'icecast', mount: '/roomcast.ogg', format: 'ogg-opus' }] })).rejects.toThrow(/icecast is not configured/);
  });
});
