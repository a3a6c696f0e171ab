import sharp from 'sharp';
import type { HandImage } from './HandDetector.ts';

/**
 * Decode an image file (JPEG, PNG, WebP, GIF: its first frame or `page`...) to packed RGB, with EXIF
 * rotation applied so landmarks match the picture as people see it.
 */
export async function decodeImage(input: string | Buffer, options: { page?: number } = {}): Promise<HandImage> {
  const { data, info } = await sharp(input, options.page === undefined ? {} : { page: options.page })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 colour channels after decoding, got ${info.channels}`);
  return { width: info.width, height: info.height, rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
