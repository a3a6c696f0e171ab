import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { TokenStore } from '../auth/TokenStore.ts';
import { ConfigError, type LoadedConfig } from '../config/loadConfig.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { MediaFileError, probeMediaFile } from '../media/bridge/mediaFileInfo.ts';
import { MediaFileSender, type MediaFileSource, type RtpInputTarget } from '../media/bridge/MediaFileSender.ts';
import { freeUdpPort } from '../media/bridge/udpPort.ts';
import { loadRuntime } from '../plugins/loadRuntime.ts';
import { PRODUCER_LABEL_PATTERN } from '../protocol/mediaEvents.ts';
import { withRedis } from './withRedis.ts';

/**
 * `roomcast ingest file <media> --room R` and `roomcast ingest test --room R`: publish media into a
 * room without a browser, for demos and tests. The running server is asked (its HTTP API) for one
 * plain-RTP input per stream; a supervised gst-launch child here encodes the file (or a test pattern)
 * to VP8/Opus RTP at real-time pace and sends it there. At the end (or Ctrl-C) the inputs are deleted,
 * so the producers leave the room.
 */

interface IngestOptions {
  room: string;
  label?: string;
  loop?: boolean;
  video: boolean;
  audio: boolean;
  size: { width: number; height: number };
  fps: number;
  url?: string;
  token?: string;
}

/** A failure to report in one line (exit 1). */
class IngestError extends Error {}

function parseSize(value: string): { width: number; height: number } {
  const m = /^(\d{2,4})x(\d{2,4})$/.exec(value);
  if (!m || Number(m[1]) % 2 || Number(m[2]) % 2) throw new InvalidArgumentError('expected WIDTHxHEIGHT with even numbers, e.g. 640x480');
  return { width: Number(m[1]), height: Number(m[2]) };
}

function parseFps(value: string): number {
  const fps = Number(value);
  if (!Number.isInteger(fps) || fps < 1 || fps > 60) throw new InvalidArgumentError('expected a whole number of frames per second, 1-60');
  return fps;
}

function parseLabel(value: string): string {
  if (!PRODUCER_LABEL_PATTERN.test(`${value}-video`)) throw new InvalidArgumentError('expected 1-57 letters, digits, space, ".", "_" or "-", starting with a letter or digit');
  return value;
}

/** A label from a file name: `Room demo (take 2).webm` -> `Room demo take 2`. */
function labelFromFile(file: string): string {
  const base = path.basename(file, path.extname(file)).replace(/[^A-Za-z0-9 ._-]+/g, ' ').replace(/\s+/g, ' ').trim().replace(/^[^A-Za-z0-9]+/, '');
  return base.slice(0, 50) || 'file';
}

/** Where a CLI on this machine reaches the server: its own listen address (loopback for 0.0.0.0). */
function localServerUrl(loaded: LoadedConfig): string {
  const { host, port } = loaded.config.server;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

async function ingest(source: MediaFileSource, options: IngestOptions, configFile: string | undefined): Promise<number> {
  let loaded: LoadedConfig;
  try {
    ({ loaded } = await loadRuntime({ file: configFile }));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
  // Results on stdout, logs on stderr (quiet unless asked for).
  const logger: Logger = createLogger({ level: loaded.config.log.level === 'info' ? 'warn' : loaded.config.log.level, pretty: loaded.config.log.pretty, destination: process.stderr });

  let kinds: Array<'video' | 'audio'>;
  if (source.type === 'file') {
    if (!existsSync(source.path) || !statSync(source.path).isFile()) throw new IngestError(`${source.path}: no such file`);
    const info = await probeMediaFile(source.path);
    kinds = (['video', 'audio'] as const).filter((kind) => info[kind] && options[kind]);
    if (!kinds.length) throw new IngestError(`${source.path}: ${info.video || info.audio ? 'the streams it has were excluded (--no-video/--no-audio)' : 'has no video or audio stream'}`);
  } else {
    kinds = (['video', 'audio'] as const).filter((kind) => options[kind]);
    if (!kinds.length) throw new IngestError('nothing to publish: both --no-video and --no-audio');
  }

  const url = (options.url ?? localServerUrl(loaded)).replace(/\/+$/, '');
  const alive = await fetch(`${url}/healthz`).catch(() => undefined);
  if (!alive?.ok) throw new IngestError(`no Roomcast server answers at ${url}: start it (roomcast start) or pass --url`);

  // An operator token: given, or a temporary one made through the server's Redis and revoked at the end.
  let token = options.token ?? process.env.ROOMCAST_TOKEN;
  let revokeToken: (() => Promise<unknown>) | undefined;
  if (!token) {
    const tokens = (client: Parameters<Parameters<typeof withRedis>[2]>[0]) => new TokenStore(client, loaded.config.redis.keyPrefix);
    const created = await withRedis(loaded, logger, (client) => tokens(client).create('operator', 'roomcast ingest (temporary)'));
    token = created.token;
    revokeToken = () => withRedis(loaded, logger, (client) => tokens(client).revoke(created.record.id));
  }

  const api = async (method: string, pathname: string, body?: unknown) => {
    const res = await fetch(`${url}/api${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: { error?: { message?: string } } & Record<string, unknown> = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: json };
  };

  const baseLabel = options.label ?? (source.type === 'file' ? labelFromFile(source.path) : 'test');
  const inputs: Array<{ id: string; kind: 'video' | 'audio'; label: string; producerId: string; target: RtpInputTarget }> = [];
  let sender: MediaFileSender | undefined;
  const stopSignals = ['SIGINT', 'SIGTERM'] as const;
  let onSignal: (() => void) | undefined;
  try {
    for (const kind of kinds) {
      const label = kinds.length > 1 ? `${baseLabel}-${kind}` : baseLabel;
      const res = await api('POST', '/media/rtp-inputs', { room: options.room, label, kind, codec: kind === 'video' ? 'vp8' : 'opus' });
      if (res.status !== 201) throw new IngestError(`the server refused the ${kind} input "${label}" (HTTP ${res.status}): ${res.body.error?.message ?? 'no reason given'}`);
      const input = res.body as unknown as { id: string; producerId: string; address: string; port: number; payloadType: number; ssrc: number };
      inputs.push({
        id: input.id,
        kind,
        label,
        producerId: input.producerId,
        target: { address: input.address, port: input.port, payloadType: input.payloadType, ssrc: input.ssrc, sourcePort: await freeUdpPort('0.0.0.0') },
      });
    }
    const target = (kind: 'video' | 'audio') => inputs.find((i) => i.kind === kind)?.target;
    sender = new MediaFileSender({
      source,
      video: target('video'),
      audio: target('audio'),
      width: options.size.width,
      height: options.size.height,
      fps: options.fps,
      loop: source.type === 'file' && !!options.loop,
      logger,
    });
    const what = source.type === 'file' ? source.path : `a test pattern${options.audio ? ` and a ${source.frequency} Hz tone` : ''}`;
    process.stdout.write(
      `publishing ${what} into room "${options.room}": ${inputs.map((i) => `${i.kind} "${i.label}" (producer ${i.producerId})`).join(', ')}` +
        `${source.type === 'file' && !options.loop ? '' : '; Ctrl-C to stop'}\n`,
    );
    sender.on('crashed', (reason) => process.stderr.write(`roomcast ingest: the sender stopped (${reason}); restarting it\n`));
    const done = new Promise<string>((resolve) => {
      sender!.once('ended', () => resolve('end of file'));
      onSignal = () => resolve('stopped');
      for (const signal of stopSignals) process.once(signal, onSignal);
    });
    sender.start();
    process.stdout.write(`${await done}\n`);
  } finally {
    if (onSignal) for (const signal of stopSignals) process.off(signal, onSignal);
    await sender?.stop();
    for (const input of inputs) {
      const res = await api('DELETE', `/media/rtp-inputs/${input.id}`).catch((err: Error) => ({ status: 0, body: { error: { message: err.message } } }));
      if (res.status !== 204) process.stderr.write(`roomcast ingest: could not remove the ${input.kind} input ${input.id}: ${res.body.error?.message ?? `HTTP ${res.status}`}\n`);
    }
    await revokeToken?.().catch((err: Error) => process.stderr.write(`roomcast ingest: could not revoke the temporary token: ${err.message}\n`));
  }
  return 0;
}

async function run(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (err) {
    if (!(err instanceof IngestError || err instanceof MediaFileError)) throw err;
    process.stderr.write(`roomcast ingest: ${err.message}\n`);
    process.exitCode = 1;
  }
}

export function registerIngestCommand(program: Command): void {
  const command = program.command('ingest').description('publish media into a room without a browser (demos, tests)');
  const common = (sub: Command) =>
    sub
      .requiredOption('--room <room>', 'the room to publish into')
      .option('--label <label>', 'producer label (default: the file name, or "test"); with video and audio: <label>-video, <label>-audio', parseLabel)
      .option('--no-video', 'publish only the audio')
      .option('--no-audio', 'publish only the video')
      .addOption(new Option('--size <WxH>', 'video size sent (scaled, letterboxed)').argParser(parseSize).default({ width: 640, height: 480 }, '640x480'))
      .option('--fps <n>', 'video frame rate sent', parseFps, 30)
      .option('--url <url>', 'the server (default: this config\'s server.host and server.port)')
      .option('--token <token>', 'an operator token (default: $ROOMCAST_TOKEN, else a temporary one, revoked at exit)');

  common(command.command('file <media>').description('publish a media file (its video and/or audio) in real time; ends at the end of the file'))
    .option('--loop', 'start again at the end, until Ctrl-C')
    .action((media: string, options: IngestOptions) => run(() => ingest({ type: 'file', path: path.resolve(media) }, options, program.opts<{ config?: string }>().config)));

  common(command.command('test').description('publish a moving test picture and a tone until Ctrl-C'))
    .option('--tone <hz>', 'tone frequency', (v) => {
      const hz = Number(v);
      if (!(hz >= 20 && hz <= 20_000)) throw new InvalidArgumentError('expected 20-20000');
      return hz;
    }, 440)
    .action((options: IngestOptions & { tone: number }) => run(() => ingest({ type: 'test-pattern', frequency: options.tone }, options, program.opts<{ config?: string }>().config)));
}
