import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { maskedGifFrame } from './photos.ts';

export const VIDEO_WIDTH = 640;
export const VIDEO_HEIGHT = 480;

/** A stretch of video: a fingerpose GIF frame (a real photo of a hand) or an empty grey wall. */
export interface Segment {
  /** GIF page to show; omit for grey with no hand. */
  page?: number;
  frames: number;
}

/** One 640x480 RGB frame for a segment. */
export async function segmentFrame(segment: Segment): Promise<Buffer> {
  if (segment.page === undefined) return Buffer.alloc(VIDEO_WIDTH * VIDEO_HEIGHT * 3, 128);
  const frame = await maskedGifFrame(segment.page);
  return sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).resize(VIDEO_WIDTH, VIDEO_HEIGHT).removeAlpha().raw().toBuffer();
}

/**
 * A real video file (MJPEG in AVI, made by gst-launch) of photos held for a number of frames each, so
 * a pipeline's file source decodes it exactly like a recording.
 */
export async function makeGestureVideo(file: string, segments: Segment[], fps = 15): Promise<{ frames: number; seconds: number }> {
  const raw = `${file}.rgb`;
  const parts: Buffer[] = [];
  let frames = 0;
  for (const segment of segments) {
    const picture = await segmentFrame(segment);
    for (let i = 0; i < segment.frames; i++) parts.push(picture);
    frames += segment.frames;
  }
  writeFileSync(raw, Buffer.concat(parts));
  try {
    const result = spawnSync(
      'gst-launch-1.0',
      ['-q', 'filesrc', `location=${raw}`, '!', 'rawvideoparse', `width=${VIDEO_WIDTH}`, `height=${VIDEO_HEIGHT}`, 'format=rgb', `framerate=${fps}/1`, '!', 'videoconvert', '!', 'jpegenc', 'quality=92', '!', 'avimux', '!', 'filesink', `location=${file}`],
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`could not encode ${file}: ${result.stderr}`);
  } finally {
    rmSync(raw, { force: true });
  }
  return { frames, seconds: frames / fps };
}
