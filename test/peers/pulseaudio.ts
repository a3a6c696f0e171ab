import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../helpers/wait.ts';

/**
 * A private PulseAudio for one test file: its own runtime dir and socket, one null sink standing in
 * for the room speakers, no D-Bus, no autospawn, no cookie (anonymous auth on its private socket).
 * What is played to the sink is recorded back from its monitor with parec.
 */
export interface PulseAudioPeer {
  /** `unix:<dir>/native`: what Roomcast's `mediaBridge.speakers.server` should be. */
  readonly server: string;
  /** The null sink's name (`roomspeaker`). */
  readonly sink: string;
  /** Record the sink's monitor for `ms`: mono 48 kHz float32. */
  record(ms: number): Promise<Float32Array>;
  /** Start recording (resolves once parec's stream is connected); stop() returns everything recorded. */
  startRecording(): Promise<{ stop(): Promise<Float32Array> }>;
  /** Names of the streams playing into the server right now (`pactl list short sink-inputs`). */
  sinkInputs(): Promise<string[]>;
  output(): string;
  stop(): Promise<void>;
}

const SETPRIV = '/usr/bin/setpriv';

function spawnDying(command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const [file, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', command, ...args]] : [command, args];
  return spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

export async function startPulseAudio(options: { sink?: string } = {}): Promise<PulseAudioPeer> {
  const sink = options.sink ?? 'roomspeaker';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roomcast-pulse-'));
  const socket = path.join(dir, 'native');
  const server = `unix:${socket}`;
  writeFileSync(
    path.join(dir, 'default.pa'),
    [
      `load-module module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      `load-module module-null-sink sink_name=${sink} rate=48000 channels=2`,
      `set-default-sink ${sink}`,
      '',
    ].join('\n'),
  );
  // HOME and XDG_RUNTIME_DIR in the temp dir: nothing of the machine's own PulseAudio is touched.
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir, XDG_CONFIG_HOME: dir, PULSE_SERVER: server };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  const child = spawnDying('pulseaudio', ['-n', '--daemonize=no', '--system=no', '--use-pid-file=no', '--exit-idle-time=-1', '--disable-shm=yes', '--log-target=stderr', '-F', path.join(dir, 'default.pa')], env);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));

  const pactl = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const p = spawn('pactl', ['--server', server, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      p.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`pactl ${args.join(' ')}: ${out.trim()}`))));
    });

  try {
    await waitFor(`pulseaudio on ${server}`, async () => {
      if (exited) throw new Error(`pulseaudio exited:\n${output}`);
      return (await pactl('list', 'short', 'sinks')).includes(sink);
    }, 10_000, 100);
  } catch (err) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const sourceOutputs = async () => (await pactl('list', 'short', 'source-outputs')).split('\n').filter((line) => line.trim()).length;

  const startRecording = async () => {
    const before = await sourceOutputs();
    const parec = spawnDying('parec', ['--server', server, '-d', `${sink}.monitor`, '--format=float32le', '--rate=48000', '--channels=1', '--raw', '--latency-msec=20'], env);
    const chunks: Buffer[] = [];
    let bytes = 0;
    parec.stdout!.on('data', (d: Buffer) => {
      chunks.push(d);
      bytes += d.length;
    });
    const ended = new Promise<void>((resolve) => parec.stdout!.once('close', () => resolve()));
    // parec takes a while to connect on a busy machine, and its stream exists a little before samples
    // flow; what plays before the first samples arrive would be missed.
    await waitFor('parec recording the monitor', async () => bytes > 0 && (await sourceOutputs()) > before, 10_000, 20);
    const started = performance.now();
    return {
      async stop() {
        // The monitor runs on the wall clock: on a loaded machine parec may lag behind it and the server
        // holds the rest. Let it catch up before stopping it, or the end of the recording is lost.
        const wanted = ((performance.now() - started) / 1000 - 0.1) * 48_000 * 4;
        await waitFor('parec caught up with the wall clock', () => bytes >= wanted, 5_000, 20).catch(() => undefined);
        await stopChild(parec);
        await ended; // everything parec wrote before it exited is read
        const all = Buffer.concat(chunks);
        const copy = new Float32Array(Math.floor(all.length / 4));
        new Uint8Array(copy.buffer).set(all.subarray(0, copy.length * 4));
        return copy;
      },
    };
  };

  return {
    server,
    sink,
    startRecording,
    async record(ms) {
      const recording = await startRecording();
      await new Promise((r) => setTimeout(r, ms));
      return recording.stop();
    },
    async sinkInputs() {
      const out = await pactl('list', 'sink-inputs');
      return [...out.matchAll(/application\.name = "([^"]*)"/g)].map((m) => m[1]!);
    },
    output: () => output,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
