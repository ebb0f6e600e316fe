// Reads the description of an embedded ICC profile, to tell an sRGB profile (converting through it
// to sRGB changes nothing) from any other. Pure parsing of untrusted bytes: every offset is checked.

/** The profile's 'desc' text (ICC v2 'desc' or v4 'mluc'), or undefined when it cannot be read. */
export function iccDescription(icc: Uint8Array): string | undefined {
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  if (icc.length < 132) return undefined;
  const count = view.getUint32(128);
  if (count > 1000 || 132 + count * 12 > icc.length) return undefined;
  for (let i = 0; i < count; i++) {
    const e = 132 + i * 12;
    if (ascii(icc, e, 4) !== 'desc') continue;
    const off = view.getUint32(e + 4);
    const size = view.getUint32(e + 8);
    if (off + size > icc.length || size < 12) return undefined;
    const type = ascii(icc, off, 4);
    if (type === 'desc') {
      const n = view.getUint32(off + 8);
      if (12 + n > size) return undefined;
      return ascii(icc, off + 12, n).replace(/\0+$/, '');
    }
    if (type === 'mluc') {
      const records = view.getUint32(off + 8);
      if (records < 1 || off + 28 > icc.length) return undefined;
      const len = view.getUint32(off + 20);
      const at = off + view.getUint32(off + 24);
      if (at + len > off + size) return undefined;
      let s = '';
      for (let k = 0; k + 1 < len; k += 2) s += String.fromCharCode(view.getUint16(at + k));
      return s;
    }
    return undefined;
  }
  return undefined;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Whether the profile says it is sRGB (IEC 61966-2.1 and its vendor copies). */
export function iccIsSrgb(icc: Uint8Array): boolean {
  return /\bsRGB\b/.test(iccDescription(icc) ?? '');
}
