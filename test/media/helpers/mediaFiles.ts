import { PatternFrames } from './framePattern.ts';
import { spawnGst } from './rtpSenders.ts';

/**
 * A WebM clip of stamped frames (VP8, counter in the picture) and a sine tone (Opus): what
 * `roomcast ingest file` is tested with, so what comes out of the bridge can be checked by content.
 */
export async function writePatternClip(file: string, options: { seconds: number; frequency: number; width?: number; height?: number; fps?: number }): Promise<void> {
  const { seconds, frequency, width = 320, height = 240, fps = 30 } = options;
  const frames = new PatternFrames(width, height);
  const child = spawnGst(
    [
      'fdsrc', 'fd=0', `blocksize=${frames.frameBytes}`,
      '!', 'rawvideoparse', 'format=i420', `width=${width}`, `height=${height}`, `framerate=${fps}/1`,
      '!', 'vp8enc', 'deadline=1', 'cpu-used=8', 'target-bitrate=600000', 'keyframe-max-dist=30',
      '!', 'mux.',
      'audiotestsrc', 'wave=sine', `freq=${frequency}`, 'volume=0.4', 'samplesperbuffer=960', `num-buffers=${Math.round((seconds * 48_000) / 960)}`,
      '!', 'audio/x-raw,rate=48000,channels=1', '!', 'opusenc', '!', 'mux.',
      'webmmux', 'name=mux', '!', 'filesink', `location=${file}`,
    ],
    ['pipe', 'ignore', 'pipe'],
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < seconds * fps; i++) {
    if (!child.stdin!.write(frames.next(0))) await new Promise((resolve) => child.stdin!.once('drain', resolve));
  }
  child.stdin!.end();
  const code = await exited;
  if (code !== 0) throw new Error(`writing ${file} failed (${code}): ${stderr}`);
}
