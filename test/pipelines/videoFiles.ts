import { spawnSync } from 'node:child_process';

export interface VideoFileOptions {
  frames: number;
  /** videotestsrc pattern: `solid-color` (one colour, nothing moves), `ball` (a moving ball)... */
  pattern?: string;
  /** ARGB of solid-color. */
  argb?: string;
  width?: number;
  height?: number;
  fps?: number;
}

/** A real VP8/WebM file made by GStreamer's videotestsrc (so specs need no binary fixtures). */
export function makeVideo(file: string, options: VideoFileOptions): string {
  const { frames, argb = '0xffff0000', pattern = 'solid-color', width = 64, height = 48, fps = 30 } = options;
  const result = spawnSync(
    'gst-launch-1.0',
    ['-q', 'videotestsrc', `num-buffers=${frames}`, `pattern=${pattern}`, `foreground-color=${argb}`, '!', `video/x-raw,width=${width},height=${height},framerate=${fps}/1`, '!', 'vp8enc', '!', 'webmmux', '!', 'filesink', `location=${file}`],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`could not encode ${file}: ${result.stderr}`);
  return file;
}
