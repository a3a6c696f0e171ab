import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OBSWebSocket, { type OBSRequestTypes, type OBSResponseTypes } from 'obs-websocket-js';
import { freePort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * A real OBS Studio (29, obs-websocket 5 built in) for one test file: its own Xvfb display, a throwaway
 * HOME whose global.ini turns the WebSocket server on at a free loopback port with a password, and a
 * fresh scene collection. Tests run inside a network namespace with only `lo`, so OBS's own lookups
 * (obsproject.com) fail harmlessly.
 */
export interface ObsPeer {
  /** `ws://127.0.0.1:<port>`: what Roomcast's `obs.url` should be. */
  readonly url: string;
  readonly port: number;
  readonly password: string;
  /** The temp HOME (holds the scene collection, so a relaunch finds the same scenes). */
  readonly home: string;
  /** Is an OBS process running right now? */
  readonly running: boolean;
  /** Start OBS (again: same port, HOME and display); resolves once a client can identify. */
  launch(): Promise<void>;
  /** Kill OBS's whole process group (default SIGKILL: a crash, nothing saved); Xvfb stays up. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Signal OBS's process group without waiting (SIGSTOP freezes it: the socket stays open, nothing answers). */
  signal(signal: NodeJS.Signals): void;
  /** One request through the peer's own client (for arranging and asserting; reconnects after a relaunch). */
  call<T extends keyof OBSRequestTypes>(requestType: T, requestData?: OBSRequestTypes[T]): Promise<OBSResponseTypes[T]>;
  /** The peer's own client, identified (e.g. to listen for OBS events). */
  client(): Promise<OBSWebSocket>;
  /** Create the scenes and sources tests use (idempotent: a relaunch after a crash may have lost them). */
  seedTestScenes(): Promise<ObsTestScenes>;
  /** The last lines OBS printed (for failure messages). */
  output(): string;
  /** Every message OBS received from any client, decoded, in order (only with `debug: true`). */
  received(): ObsReceivedMessage[];
  /** Stop OBS and Xvfb (process groups), delete HOME. Safe to call twice. */
  stop(): Promise<void>;
}

/** Names of what seedTestScenes creates. */
export interface ObsTestScenes {
  /** Two scenes to switch between; `main` holds every source below. */
  main: string;
  other: string;
  /** A FreeType 2 text source (`text_ft2_source_v2`) in `main`, with one colour filter. */
  text: string;
  filter: string;
  /** An ffmpeg media source in `main` playing a 1 s WAV once (no looping), so it ends and can be restarted. */
  media: string;
}

/** One protocol message as obs-websocket logged it: op 6 Request, 8 RequestBatch... */
export interface ObsReceivedMessage {
  op: number;
  d: { requestType?: string; requestData?: Record<string, unknown>; requests?: Array<{ requestType: string; requestData?: Record<string, unknown> }> };
}

export const OBS_TEST_SCENES: ObsTestScenes = {
  main: 'Roomcast Main',
  other: 'Roomcast Other',
  text: 'Roomcast Caption',
  filter: 'Roomcast Tint',
  media: 'Roomcast Jingle',
};

export interface StartObsOptions {
  /** Default: a random one. */
  password?: string;
  /** Default true. */
  authRequired?: boolean;
  /** Default true. False: only pick the port, write HOME and start Xvfb, so a test can launch OBS later. */
  launch?: boolean;
  /** obs-websocket's debug log (`--websocket_debug`): fills received(), to see what arrived as one batch. */
  debug?: boolean;
}

const SETPRIV = '/usr/bin/setpriv';
const OUTPUT_LIMIT = 20_000;

/** Spawn in a new process group, and die with us even on SIGKILL (setpriv --pdeathsig). */
function spawnGroupLeader(command: string, args: string[], env: NodeJS.ProcessEnv, stdio: Array<'ignore' | 'pipe'>): ChildProcess {
  const [file, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', command, ...args]] : [command, args];
  return spawn(file, argv, { env, stdio, detached: true });
}

async function killGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/** Xvfb on a display number it chooses itself (-displayfd), so parallel test files never collide. */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const child = spawnGroupLeader('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], process.env, ['ignore', 'ignore', 'pipe', 'pipe']);
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const display = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const fd3 = child.stdio[3] as NodeJS.ReadableStream;
    fd3.on('data', (d: Buffer) => {
      buffer += d.toString();
      if (buffer.includes('\n')) resolve(`:${buffer.trim()}`);
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code} before choosing a display:\n${stderr.join('')}`)));
  });
  return { display, process: child };
}

/**
 * obs-websocket's debug log prints each received message as `... Incoming message (decoded):` followed by
 * pretty-printed JSON ending with a `}` alone on a line.
 */
function debugLogParser(onMessage: (message: ObsReceivedMessage) => void): (chunk: string) => void {
  let pending = '';
  let block: string[] | undefined;
  return (chunk) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (block) {
        block.push(line);
        if (line === '}') {
          onMessage(JSON.parse(block.join('\n')) as ObsReceivedMessage);
          block = undefined;
        }
      } else if (line.endsWith('Incoming message (decoded):')) {
        block = [];
      }
    }
  };
}

/** A 1 s, 440 Hz mono 16-bit WAV: a media source that ends quickly. */
function writeTestWav(file: string): void {
  const rate = 48_000;
  const samples = rate;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
}

export async function startObs(options: StartObsOptions = {}): Promise<ObsPeer> {
  const password = options.password ?? randomBytes(12).toString('hex');
  const authRequired = options.authRequired ?? true;
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}`;
  const home = mkdtempSync(path.join(os.tmpdir(), 'roomcast-obs-'));
  const configDir = path.join(home, '.config', 'obs-studio');
  mkdirSync(configDir, { recursive: true });
  // FirstRun=true means "the first run already happened": no auto-configuration wizard.
  writeFileSync(
    path.join(configDir, 'global.ini'),
    [
      '[General]',
      'FirstRun=true',
      '',
      '[OBSWebSocket]',
      'FirstLoad=false',
      'ServerEnabled=true',
      `ServerPort=${port}`,
      'AlertsEnabled=false',
      `AuthRequired=${authRequired}`,
      `ServerPassword=${password}`,
      '',
    ].join('\n'),
  );
  const wavFile = path.join(home, 'jingle.wav');
  writeTestWav(wavFile);

  const xvfb = await startXvfb();
  let obs: ChildProcess | undefined;
  let output = '';
  const received: ObsReceivedMessage[] = [];
  let client: OBSWebSocket | undefined;
  let stopped = false;

  const isRunning = () => obs !== undefined && obs.exitCode === null && obs.signalCode === null;

  const disconnectClient = async () => {
    const c = client;
    client = undefined;
    // Bounded: against a frozen OBS (SIGSTOP) a clean close would wait for ws's 30 s close timeout.
    await Promise.race([c?.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
  };

  const connectClient = async (): Promise<OBSWebSocket> => {
    if (client?.identified) return client;
    await disconnectClient();
    const c = new OBSWebSocket();
    c.on('ConnectionError', () => undefined);
    await c.connect(url, authRequired ? password : undefined, { rpcVersion: 1 });
    client = c;
    c.once('ConnectionClosed', () => {
      if (client === c) client = undefined;
    });
    return c;
  };

  const launch = async () => {
    if (isRunning()) throw new Error('OBS is already running');
    const env = { ...process.env, HOME: home, DISPLAY: xvfb.display, XDG_CONFIG_HOME: path.join(home, '.config'), LIBGL_ALWAYS_SOFTWARE: '1' };
    // --multi: other test files may run their own OBS; --disable-shutdown-check: after kill() no "safe mode?" dialog.
    const child = spawnGroupLeader('obs', ['--disable-shutdown-check', '--multi', '--disable-missing-files-check', ...(options.debug ? ['--websocket_debug'] : [])], env, ['ignore', 'pipe', 'pipe']);
    obs = child;
    for (const stream of [child.stdout!, child.stderr!]) {
      const parse = debugLogParser((message) => received.push(message));
      stream.on('data', (d: Buffer) => {
        output = (output + d.toString()).slice(-OUTPUT_LIMIT);
        if (options.debug) parse(d.toString());
      });
    }
    await waitFor(
      `OBS's WebSocket server on ${url}`,
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`OBS exited (${child.exitCode ?? child.signalCode}):\n${output.slice(-3000)}`);
        await connectClient();
        return true;
      },
      30_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- OBS output ---\n${output.slice(-3000)}`);
    });
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    await disconnectClient();
    await killGroup(obs, signal);
  };

  const signal = (sig: NodeJS.Signals) => {
    if (!obs?.pid || !isRunning()) throw new Error('OBS is not running');
    process.kill(-obs.pid, sig);
  };

  const call: ObsPeer['call'] = async (requestType, requestData) => (await connectClient()).call(requestType, requestData);

  const seedTestScenes = async (): Promise<ObsTestScenes> => {
    const s = OBS_TEST_SCENES;
    const { scenes } = await call('GetSceneList');
    const sceneNames = new Set(scenes.map((scene) => String(scene['sceneName'])));
    for (const scene of [s.main, s.other]) if (!sceneNames.has(scene)) await call('CreateScene', { sceneName: scene });
    const { inputs } = await call('GetInputList');
    const inputNames = new Set(inputs.map((input) => String(input['inputName'])));
    if (!inputNames.has(s.text)) {
      await call('CreateInput', { sceneName: s.main, inputName: s.text, inputKind: 'text_ft2_source_v2', inputSettings: { text: 'seeded' }, sceneItemEnabled: true });
    }
    if (!inputNames.has(s.media)) {
      await call('CreateInput', {
        sceneName: s.main,
        inputName: s.media,
        inputKind: 'ffmpeg_source',
        inputSettings: { is_local_file: true, local_file: wavFile, looping: false, restart_on_activate: false, close_when_inactive: false },
        sceneItemEnabled: true,
      });
    }
    const { filters } = await call('GetSourceFilterList', { sourceName: s.text });
    if (!filters.some((f) => f['filterName'] === s.filter)) {
      await call('CreateSourceFilter', { sourceName: s.text, filterName: s.filter, filterKind: 'color_filter_v2', filterSettings: {} });
    }
    return s;
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await disconnectClient();
    // SIGTERM first: OBS saves nothing we need, but a clean exit keeps its logs readable.
    await killGroup(obs, 'SIGTERM');
    await killGroup(xvfb.process, 'SIGTERM');
    rmSync(home, { recursive: true, force: true });
  };

  try {
    if (options.launch !== false) await launch();
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    port,
    password,
    home,
    get running() {
      return isRunning();
    },
    launch,
    kill,
    signal,
    call,
    client: connectClient,
    seedTestScenes,
    output: () => output,
    received: () => [...received],
    stop,
  };
}
