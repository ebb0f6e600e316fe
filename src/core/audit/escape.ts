// Escaping for every string that reaches HTML, SVG or Markdown. Category names, checkpoints, notes
// and paths can come from a model or a user, so none of them is ever written raw.

const XML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value in HTML or SVG. */
export function escapeXml(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => XML[c]);
}

/**
 * Inline Markdown text, also safe in a table cell: HTML-significant characters become entities,
 * the characters that start emphasis, code, links, strikethrough or a cell break are
 * backslash-escaped, and line breaks become spaces. (Only for text inside a line, never at its start.)
 */
export function escapeMarkdown(s: string): string {
  return String(s)
    .replace(/[\r\n]+/g, ' ')
    .replace(/[&<>]/g, (c) => XML[c])
    .replace(/[\\`*_[\]|~]/g, (c) => '\\' + c);
}

/** Shortens to at most `max` characters with an ellipsis. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, Math.max(1, max - 1)) + '…';
}
