import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const GST_LAUNCH = 'gst-launch-1.0';

/** Run gst-launch to completion (file generation); throws with its stderr on failure. */
function gstRun(args: string[]): void {
  const result = spawnSync(GST_LAUNCH, ['-q', ...args], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`gst-launch-1.0 ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}`);
}

/** A y4m clip for Chromium's fake camera (`--use-file-for-fake-video-capture`); it loops it. */
export function generateY4m(dir: string, options: { width?: number; height?: number; fps?: number; frames?: number } = {}): string {
  const { width = 640, height = 480, fps = 30, frames = 30 } = options;
  const file = path.join(dir, `camera-${width}x${height}.y4m`);
  gstRun(['videotestsrc', `num-buffers=${frames}`, 'pattern=smpte', '!', `video/x-raw,format=I420,width=${width},height=${height},framerate=${fps}/1`, '!', 'y4menc', '!', 'filesink', `location=${file}`]);
  return file;
}

/** A mono 48 kHz sine WAV for Chromium's fake microphone (`--use-file-for-fake-audio-capture`); whole cycles, so it loops cleanly. */
export function generateToneWav(dir: string, options: { frequency?: number; seconds?: number } = {}): string {
  const { frequency = 440, seconds = 2 } = options;
  const file = path.join(dir, `tone-${frequency}.wav`);
  const samplesPerBuffer = 960;
  gstRun([
    'audiotestsrc',
    'wave=sine',
    `freq=${frequency}`,
    'volume=0.5',
    `samplesperbuffer=${samplesPerBuffer}`,
    `num-buffers=${Math.round((seconds * 48000) / samplesPerBuffer)}`,
    '!',
    'audio/x-raw,format=S16LE,rate=48000,channels=1',
    '!',
    'wavenc',
    '!',
    'filesink',
    `location=${file}`,
  ]);
  return file;
}

export interface GstSender {
  child: ChildProcess;
  /** What gst-launch printed (errors show up here). */
  output(): string;
  stop(): Promise<void>;
}

/** A live gst-launch pipeline (e.g. an RTP sender); stopped by the test. */
export function startGst(args: string[]): GstSender {
  const child = spawn(GST_LAUNCH, ['-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Opus RTP of a sine tone to a local port (what the media bridge's encoder does, in one line). */
export function sendOpusTone(port: number, options: { frequency?: number; payloadType: number; ssrc: number }): GstSender {
  return startGst([
    'audiotestsrc',
    'is-live=true',
    'wave=sine',
    `freq=${options.frequency ?? 440}`,
    'volume=0.4',
    '!',
    'audio/x-raw,rate=48000,channels=2',
    '!',
    'opusenc',
    'bitrate=64000',
    '!',
    'rtpopuspay',
    `pt=${options.payloadType}`,
    `ssrc=${options.ssrc}`,
    '!',
    'udpsink',
    'host=127.0.0.1',
    `port=${port}`,
  ]);
}

/**
 * VP8 RTP of a test pattern to a local port (a small device sending video). mediasoup recognises VP8
 * keyframes only with picture IDs in the payload descriptor, so `pictureIds: false` makes a stream it
 * cannot forward (the diagnostic case).
 */
export function sendVp8(port: number, options: { payloadType: number; ssrc: number; width?: number; height?: number; pictureIds?: boolean }): GstSender {
  return startGst([
    'videotestsrc',
    'is-live=true',
    'pattern=ball',
    '!',
    `video/x-raw,width=${options.width ?? 320},height=${options.height ?? 240},framerate=30/1`,
    '!',
    'vp8enc',
    'deadline=1',
    'cpu-used=8',
    'keyframe-max-dist=30',
    'target-bitrate=400000',
    '!',
    'rtpvp8pay',
    `picture-id-mode=${options.pictureIds === false ? 'none' : '15-bit'}`,
    `pt=${options.payloadType}`,
    `ssrc=${options.ssrc}`,
    '!',
    'udpsink',
    'host=127.0.0.1',
    `port=${port}`,
  ]);
}

const WEB_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** The capture and listen pages must be built (`npx vite build`) before the browser tests. */
export function assertMediaPagesBuilt(): void {
  for (const page of ['control-ui/capture/index.html', 'control-ui/listen/index.html']) {
    if (!existsSync(path.join(WEB_DIR, page))) throw new Error(`dist/web/${page} is missing: run \`npx vite build\` before the ingest browser tests`);
  }
}

/** Chromium flags for WebRTC on loopback with fake (or file-fed) devices and autoplaying audio. */
export function webrtcChromiumFlags(files: { video?: string; audio?: string } = {}): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--autoplay-policy=no-user-gesture-required',
    ...(files.video ? [`--use-file-for-fake-video-capture=${files.video}`] : []),
    ...(files.audio ? [`--use-file-for-fake-audio-capture=${files.audio}`] : []),
  ];
}
