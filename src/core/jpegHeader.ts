// Reads what the decoder needs from a JPEG's header in JS: size, components, precision, EXIF
// orientation, an embedded ICC profile and Adobe's colour transform. It answers only for the plain
// case (8-bit, 3 components in YCbCr, no rotation, no profile or an sRGB one) and only when the
// header is well formed; anything else returns undefined and sharp reads the header instead.
// Saves a libvips call per image, and gates the fast decoder (fastJpeg.ts).
import type { ImageInfo } from './imageDecode';
import { iccIsSrgb } from './iccProfile';

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];

function isSof(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

/** EXIF orientation from an APP1 payload (after "Exif\0\0"): 1..8, or undefined when unreadable. */
function exifOrientation(t: Uint8Array): number | undefined {
  if (t.length < 8) return undefined;
  const le = t[0] === 0x49 && t[1] === 0x49;
  if (!le && !(t[0] === 0x4d && t[1] === 0x4d)) return undefined;
  const u16 = (i: number) => (le ? t[i] | (t[i + 1] << 8) : (t[i] << 8) | t[i + 1]);
  const u32 = (i: number) => (le ? (t[i] | (t[i + 1] << 8) | (t[i + 2] << 16)) + t[i + 3] * 2 ** 24 : t[i] * 2 ** 24 + ((t[i + 1] << 16) | (t[i + 2] << 8) | t[i + 3]));
  const ifd = u32(4);
  if (ifd + 2 > t.length) return undefined;
  const n = u16(ifd);
  if (ifd + 2 + n * 12 > t.length) return undefined;
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    if (u16(e) === 0x0112) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : undefined;
    }
  }
  return 1;
}

/** The info for a frame header (SOF payload) and what came before the scan, if it is the plain case. */
function plain(f: Uint8Array, orientation: number, icc: Uint8Array[], maxPixels: number): ImageInfo | undefined {
  const precision = f[0];
  const height = be16(f, 1);
  const width = be16(f, 3);
  const components = f[5];
  if (precision !== 8 || components !== 3 || orientation !== 1 || !width || !height || width * height > maxPixels) return undefined;
  // Component ids 'R', 'G', 'B' mark RGB stored as is (libjpeg honours that; not every decoder does).
  if (f.length < 15 || (f[6] === 0x52 && f[9] === 0x47 && f[12] === 0x42)) return undefined;
  let profile: ImageInfo['profile'] = 'none';
  if (icc.length) {
    // Chunks are numbered from 1 and must all be there.
    const chunks: Uint8Array[] = [];
    for (let k = 0; k < icc.length; k++) {
      if (k === 0 ? icc[0] !== undefined : !icc[k]) return undefined;
      if (k > 0) chunks.push(icc[k]);
    }
    const whole = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      whole.set(c, at);
      at += c.length;
    }
    if (!iccIsSrgb(whole)) return undefined;
    profile = 'srgb';
  }
  return { width, height, orientation: 1, hasAlpha: false, channels: 3, space: 'srgb', format: 'jpeg', profile, depth: 'uchar' };
}

/** Header info for a plain JPEG (see above), or undefined to ask sharp. Never throws. */
export function plainJpegInfo(b: Uint8Array, maxPixels: number): ImageInfo | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let orientation = 1;
  const icc: Uint8Array[] = [];
  let frame: Uint8Array | undefined;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const m = b[i + 1];
    if (m === 0xff) {
      i++;
      continue;
    }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2;
      continue;
    }
    if (m === 0xda) return frame ? plain(frame, orientation, icc, maxPixels) : undefined;
    if (m === 0xd9) return undefined;
    const len = be16(b, i + 2);
    const start = i + 4;
    const end = i + 2 + len;
    if (len < 2 || end > b.length) return undefined;
    if (m === 0xe1 && end - start >= 6 && b[start] === 0x45 && b[start + 1] === 0x78 && b[start + 2] === 0x69 && b[start + 3] === 0x66 && b[start + 4] === 0 && b[start + 5] === 0) {
      const o = exifOrientation(b.subarray(start + 6, end));
      if (o === undefined) return undefined;
      orientation = o;
    } else if (m === 0xe2 && end - start > 14 && String.fromCharCode(...b.subarray(start, start + 11)) === 'ICC_PROFILE') {
      icc[b[start + 12]] = b.subarray(start + 14, end);
    } else if (m === 0xee) {
      // Adobe APP14: transform 1 is YCbCr (the usual); 0 (RGB stored as is) or YCCK are left to libjpeg.
      if (end - start < 12 || String.fromCharCode(...b.subarray(start, start + 5)) !== 'Adobe' || b[start + 11] !== 1) return undefined;
    } else if (isSof(m)) {
      // A second frame header is malformed (and could claim a different size than the first).
      if (frame || end - start < 6) return undefined;
      frame = b.subarray(start, end);
    }
    i = end;
  }
  return undefined;
}
