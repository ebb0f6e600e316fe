// Decoding untrusted image bytes with sharp, safely: a pixel limit (a 50k×50k PNG is refused before
// it is decoded), EXIF orientation applied, CMYK/16-bit/alpha normalised to 8-bit sRGB, first frame of
// animations. Errors are rewritten into messages a user can act on.
import sharp, { type Sharp } from 'sharp';
import { iccIsSrgb } from './iccProfile';
import { plainJpegInfo } from './jpegHeader';

// Every image is decoded once, so libvips' operation cache (up to 50 MB by default) only holds
// memory that is never reused; in a long run in the extension host that shows as RSS growth.
sharp.cache(false);

/** 100 megapixels: far above any photo a classifier needs, far below what would exhaust memory. */
export const MAX_INPUT_PIXELS = 100_000_000;

export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

/** What the decoder needs to know about an image before building its pipeline (header only). */
export interface ImageInfo {
  /** Dimensions after EXIF orientation. */
  width: number;
  height: number;
  orientation: number;
  hasAlpha: boolean;
  channels: number;
  /** libvips interpretation: 'srgb' for 8-bit RGB; 'b-w', 'cmyk', 'rgb16', … otherwise. */
  space: string;
  /** Container format as sharp names it ('jpeg', 'png', …). */
  format: string;
  /** The embedded ICC profile: none, one that describes itself as sRGB, or another (sharp converts through it). */
  profile: 'none' | 'srgb' | 'other';
  /** Sample depth ('uchar' for 8-bit). */
  depth: string;
}

/**
 * A sharp pipeline over untrusted bytes, oriented and in 8-bit sRGB with alpha flattened on white.
 * Given the image's header info, steps that would be no-ops for it are left out (each costs a
 * pipeline stage, which is most of the decode time for small images).
 */
export function openImage(bytes: Buffer, info?: ImageInfo): Sharp {
  let img = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1, sequentialRead: true });
  if (!info || info.orientation > 1) img = img.rotate();
  if (!info || info.hasAlpha) img = img.flatten({ background: { r: 255, g: 255, b: 255 } });
  if (!info || info.space !== 'srgb' || info.channels < 3) img = img.toColourspace('srgb');
  return img;
}

/** A sharp pipeline over pixels already decoded (interleaved 8-bit, already oriented and in sRGB). */
export function openPixels(pixels: Uint8Array, width: number, height: number, channels: 1 | 2 | 3 | 4): Sharp {
  return sharp(pixels, { raw: { width, height, channels }, limitInputPixels: MAX_INPUT_PIXELS });
}

/** Turns a sharp/libvips failure into a clear, actionable message. */
export function describeDecodeError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(msg)) {
    return `image is too large to decode safely (over ${MAX_INPUT_PIXELS / 1_000_000} megapixels); downscale it first`;
  }
  if (/unsupported image format|Input buffer contains unsupported/i.test(msg)) {
    return 'not a supported image (the file content is not JPEG, PNG, WebP, GIF, TIFF or AVIF)';
  }
  if (/premature end|truncated|Read error|end of (file|stream)|incomplete|corrupt|bad (seek|huffman)|IDAT|crc/i.test(msg)) {
    return `image data is truncated or corrupt (${msg.split('\n')[0]})`;
  }
  return `cannot decode image (${msg.split('\n')[0]})`;
}

/** Reads the header (dimensions, orientation, alpha, colour space) without decoding pixels. */
export async function imageInfo(bytes: Buffer): Promise<ImageInfo> {
  // Plain JPEGs (most photos) are read in JS; everything else, and any doubt, by libvips.
  return plainJpegInfo(bytes, MAX_INPUT_PIXELS) ?? sharpImageInfo(bytes);
}

/** The header as libvips reads it (every format). */
export async function sharpImageInfo(bytes: Buffer): Promise<ImageInfo> {
  try {
    const m = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const orientation = m.orientation ?? 1;
    const w = m.width ?? 0;
    const h = m.height ?? 0;
    const rotated = orientation >= 5;
    return {
      width: rotated ? h : w,
      height: rotated ? w : h,
      orientation,
      hasAlpha: !!m.hasAlpha,
      channels: m.channels ?? 0,
      space: m.space ?? 'unknown',
      format: m.format ?? 'unknown',
      profile: !m.hasProfile ? 'none' : m.icc && iccIsSrgb(m.icc) ? 'srgb' : 'other',
      depth: m.depth ?? 'unknown',
    };
  } catch (e) {
    throw new ImageDecodeError(describeDecodeError(e));
  }
}
