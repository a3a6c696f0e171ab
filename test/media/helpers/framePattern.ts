/**
 * A test picture that says which frame it is and when it was made: two rows of 32 black/white blocks
 * at the top (row 0: the frame counter, row 1: the low 32 bits of Date.now() when the frame was
 * produced), big enough to survive VP8 at low bitrates and any rescaling (read back at relative
 * positions). Below them, a scrolling texture so the encoder and decoder work as on camera video.
 */

const BITS = 32;
/** The code rows take the top 2/24 of the picture. */
const ROWS_OF_BLOCKS = 24;
const BLACK = 16;
const WHITE = 235;

export interface FrameStamp {
  counter: number;
  /** Epoch ms the frame was produced (reconstructed from its low 32 bits, assuming it is recent). */
  sentAt: number;
}

/** An I420 frame source: each `next()` returns a new frame with the counter and the current time. */
export class PatternFrames {
  readonly width: number;
  readonly height: number;
  readonly frameBytes: number;
  private readonly texture: Uint8Array;
  private readonly textureWidth: number;
  counter = 0;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.frameBytes = (width * height * 3) / 2;
    this.textureWidth = width + 256;
    // Smooth blobs plus a little noise: compresses like a room on a webcam, not like a flat test card.
    this.texture = new Uint8Array(this.textureWidth * height);
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < this.textureWidth; x++) {
        const smooth = 128 + 60 * Math.sin(x / 23) * Math.cos(y / 17) + 30 * Math.sin((x + y) / 41);
        this.texture[y * this.textureWidth + x] = Math.max(0, Math.min(255, Math.round(smooth + (random() - 0.5) * 24)));
      }
    }
  }

  /** The next frame (I420), stamped with `counter` and `now`. */
  next(now = Date.now()): Buffer {
    const { width, height } = this;
    const frame = Buffer.alloc(this.frameBytes, 128);
    const shift = (this.counter * 4) % 256;
    for (let y = 0; y < height; y++) {
      const row = y * this.textureWidth + shift;
      frame.set(this.texture.subarray(row, row + width), y * width);
    }
    writeBits(frame, width, height, 0, this.counter);
    writeBits(frame, width, height, 1, now % 2 ** 32);
    this.counter = (this.counter + 1) >>> 0;
    return frame;
  }
}

function writeBits(i420: Buffer, width: number, height: number, row: number, value: number): void {
  const blockHeight = Math.floor(height / ROWS_OF_BLOCKS);
  for (let bit = 0; bit < BITS; bit++) {
    const on = Math.floor(value / 2 ** (BITS - 1 - bit)) % 2 === 1;
    const x0 = Math.floor((bit * width) / BITS);
    const x1 = Math.floor(((bit + 1) * width) / BITS);
    for (let y = row * blockHeight; y < (row + 1) * blockHeight; y++) i420.fill(on ? WHITE : BLACK, y * width + x0, y * width + x1);
  }
}

function readBits(rgb: Uint8Array, width: number, height: number, row: number): number {
  const y = Math.floor(((row + 0.5) * height) / ROWS_OF_BLOCKS);
  let value = 0;
  for (let bit = 0; bit < BITS; bit++) {
    const x = Math.floor(((bit + 0.5) * width) / BITS);
    let sum = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += rgb[((y + dy) * width + (x + dx)) * 3 + 1]!;
    value = value * 2 + (sum / 9 > 128 ? 1 : 0);
  }
  return value;
}

/** Read the stamp back from a decoded RGB frame (any size: positions are relative). */
export function readStamp(rgb: Uint8Array, width: number, height: number, now = Date.now()): FrameStamp {
  const counter = readBits(rgb, width, height, 0);
  const low = readBits(rgb, width, height, 1);
  const nowLow = now % 2 ** 32;
  const age = (nowLow - low + 2 ** 32) % 2 ** 32;
  return { counter, sentAt: now - age };
}

/**
 * The coarse code for pictures a browser encodes: WebRTC may scale a busy sender down to a quarter of
 * its size and starve the bitrate, so the counter is 8 big blocks (1/8 of the width, 1/6 of the height
 * each) across the top: values 0-255.
 */
const COARSE_BITS = 8;
const COARSE_ROW_FRACTION = 1 / 6;

function writeCoarseCounter(i420: Buffer, width: number, height: number, value: number): void {
  const rows = Math.floor(height * COARSE_ROW_FRACTION);
  for (let bit = 0; bit < COARSE_BITS; bit++) {
    const on = (value >> (COARSE_BITS - 1 - bit)) & 1;
    const x0 = Math.floor((bit * width) / COARSE_BITS);
    const x1 = Math.floor(((bit + 1) * width) / COARSE_BITS);
    for (let y = 0; y < rows; y++) i420.fill(on ? WHITE : BLACK, y * width + x0, y * width + x1);
  }
}

/** The coarse counter of a decoded RGB frame (see y4mFile). */
export function readCoarseCounter(rgb: Uint8Array, width: number, height: number): number {
  const y = Math.floor((height * COARSE_ROW_FRACTION) / 2);
  let value = 0;
  for (let bit = 0; bit < COARSE_BITS; bit++) {
    const x = Math.floor(((bit + 0.5) * width) / COARSE_BITS);
    let sum = 0;
    for (let dy = -4; dy <= 4; dy += 2) for (let dx = -4; dx <= 4; dx += 2) sum += rgb[((y + dy) * width + (x + dx)) * 3 + 1]!;
    value = value * 2 + (sum / 25 > 128 ? 1 : 0);
  }
  return value;
}

/** A YUV4MPEG2 file (Chromium's fake camera, which loops it) of `frames` frames with the coarse counter 0..frames-1. */
export function y4mFile(width: number, height: number, frames: number, fps: number): Buffer {
  if (frames > 2 ** COARSE_BITS) throw new Error(`at most ${2 ** COARSE_BITS} frames`);
  const source = new PatternFrames(width, height);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) {
    const frame = source.next(0);
    writeCoarseCounter(frame, width, height, i);
    parts.push(Buffer.from('FRAME\n'), frame);
  }
  return Buffer.concat(parts);
}
