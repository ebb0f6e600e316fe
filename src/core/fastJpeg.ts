// A faster decoder for the common case: 8-bit YCbCr JPEGs with no EXIF rotation and no ICC profile
// other than sRGB (as jpegHeader.ts reads them), which is most of any photo dataset. sharp's bundled
// libvips decodes these 2–4× slower than libjpeg-turbo-class decoders, and a libvips pipeline costs
// ~1 ms even for 32×32.
// @napi-rs/image (Rust, memory-safe, prebuilt per platform) decodes them to the same pixels within
// a few levels of rounding. Anything else, a platform without its binary, or any decode failure
// goes back to the sharp path, which also owns the error messages users see.
import type { ImageInfo } from './imageDecode';
import { plainJpegInfo } from './jpegHeader';

type Decoder = { Transformer: new (bytes: Buffer) => { rawPixels(signal?: AbortSignal | null): Promise<Buffer> } };

let decoder: Decoder | null | undefined;

function load(): Decoder | null {
  if (decoder === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      decoder = require('@napi-rs/image') as Decoder;
    } catch {
      decoder = null;
    }
  }
  return decoder;
}

/** Whether the fast path applies: the decoded pixels would need no rotation or colour work. */
export function fastJpegApplies(info: ImageInfo): boolean {
  return info.format === 'jpeg' && info.orientation <= 1 && info.space === 'srgb' && info.channels === 3 && info.profile !== 'other' && info.depth === 'uchar';
}

/**
 * Interleaved RGB pixels of a plain JPEG (see fastJpegApplies), or undefined when the fast decoder is
 * unavailable or could not decode it: the caller then uses sharp.
 */
export async function decodeJpegRgb(bytes: Buffer, info: ImageInfo): Promise<Uint8Array | undefined> {
  if (!fastJpegApplies(info) || !plainJpegInfo(bytes, Infinity) || !endsWithEoi(bytes)) return undefined;
  const d = load();
  if (!d) return undefined;
  try {
    const px = await new d.Transformer(bytes).rawPixels();
    return px.length === info.width * info.height * 3 ? px : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the file ends with the End-Of-Image marker (a little padding allowed). The fast decoder
 * fills a truncated JPEG with grey and carries on; sharp reports a JPEG that ends without that marker
 * as truncated, and users must hear that, so such files go to sharp. (0xFFD9 cannot occur inside
 * scan data, so a marker at the end is the real end of the image.)
 */
export function endsWithEoi(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 2; i >= Math.max(0, bytes.length - 64); i--) if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  return false;
}

/** For tests and diagnostics: whether the platform's fast decoder loaded. */
export function fastJpegAvailable(): boolean {
  return load() !== null;
}
