// Decoding untrusted image bytes with sharp, safely: a pixel limit (a 50k×50k PNG is refused before
// it is decoded), EXIF orientation applied, CMYK/16-bit/alpha normalised to 8-bit sRGB, first frame of
// animations. Errors are rewritten into messages a user can act on.
import sharp, { type Sharp } from 'sharp';

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

/** A sharp pipeline over untrusted bytes, oriented and in 8-bit sRGB with alpha flattened on white. */
export function openImage(bytes: Buffer): Sharp {
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', pages: 1, sequentialRead: true })
    .rotate()
    .flatten({ background: { r: 255, g: 255, b: 255 } })
    .toColourspace('srgb');
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

/** Reads dimensions without decoding pixels. */
export async function imageSize(bytes: Buffer): Promise<{ width: number; height: number }> {
  try {
    const m = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    const rotated = (m.orientation ?? 1) >= 5;
    const width = m.width ?? 0;
    const height = m.height ?? 0;
    return rotated ? { width: height, height: width } : { width, height };
  } catch (e) {
    throw new ImageDecodeError(describeDecodeError(e));
  }
}
