// Model-produced strings are data. These helpers keep them as inert plain text of bounded length:
// no control or bidirectional-override characters, whitespace collapsed, never interpreted.

/** Longest visual_evidence kept, in characters. */
export const EVIDENCE_MAX_CHARS = 300;
/** Longest decision_basis kept, in characters, after the 30-word cut (a "word" can be very long). */
export const BASIS_MAX_CHARS = 400;

// C0/C1 controls, and the bidi embedding/override/isolate characters that can make text display
// differently from what it is.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Plain, single-line text cut to `max` characters (with an ellipsis when cut). */
export function plainText(v: unknown, max: number): { text: string; truncated: boolean } {
  if (typeof v !== 'string') return { text: '', truncated: false };
  const text = v.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  if (text.length <= max) return { text, truncated: false };
  return { text: text.slice(0, Math.max(0, max - 1)).trimEnd() + '…', truncated: true };
}

/** A model string quoted for a flag's detail: short, escaped, clearly a quotation. */
export function quote(v: unknown, max = 60): string {
  if (typeof v === 'string') return JSON.stringify(plainText(v, max).text);
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s.length > max ? s.slice(0, max) + '…' : s;
  } catch {
    return typeof v;
  }
}
