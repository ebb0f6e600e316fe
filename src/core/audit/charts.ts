// SVG charts for the trust report: horizontal bars with interval whiskers, a column histogram against
// reference values, and a confusion-matrix heatmap. Text, axes and whiskers use currentColor; fills
// are mid-tone colours that read on light and dark backgrounds. Every chart has a <title>, and every
// bar or cell a <title> with its exact numbers. All labels are escaped.
//
// Inline in HTML (standalone: false) the chart inherits the page's text colour. As a file or an
// <img> (standalone: true) currentColor cannot inherit, so the chart sets its own colour with a
// prefers-color-scheme rule.
import { clip, escapeXml as x } from './escape';

export const PALETTE = {
  blue: '#4e79a7',
  red: '#e15759',
  orange: '#f28e2b',
  green: '#59a14f',
  grey: '#8c8c8c',
} as const;

const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';
const STANDALONE_STYLE =
  '<style>:root{color:#24292f}@media (prefers-color-scheme: dark){:root{color:#e6edf3}}</style>';

export interface ChartOptions {
  standalone?: boolean;
}

export function doc(width: number, height: number, title: string, body: string, o: ChartOptions): string {
  const ns = ' xmlns="http://www.w3.org/2000/svg"';
  return (
    `<svg${ns} viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `font-family="${FONT}" font-size="12" fill="currentColor">` +
    `<title>${x(title)}</title>${o.standalone ? STANDALONE_STYLE : ''}${body}</svg>`
  );
}

export const n1 = (v: number) => (Math.round(v * 10) / 10).toString();
export const percent = (v: number) => `${(100 * v).toFixed(1)}%`;

export interface Bar {
  label: string;
  value: number | null;
  lower?: number | null;
  upper?: number | null;
  /** Extra text after the value, e.g. "2/8". */
  note?: string;
  color?: string;
}

/** Horizontal bars of rates in [0, max] with optional interval whiskers. */
export function barChart(title: string, bars: readonly Bar[], o: ChartOptions & { max?: number; color?: string } = {}): string {
  const max = o.max ?? 1;
  const W = 640;
  const left = 170;
  const right = 500;
  const top = 30;
  const row = 26;
  const H = top + Math.max(1, bars.length) * row + 26;
  const sx = (v: number) => left + (Math.max(0, Math.min(max, v)) / max) * (right - left);
  let body = `<text x="8" y="18" font-size="13" font-weight="600">${x(clip(title, 90))}</text>`;
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    const X = n1(sx(v));
    body += `<line x1="${X}" y1="${top - 4}" x2="${X}" y2="${H - 22}" stroke="currentColor" stroke-opacity="0.2"/>`;
    body += `<text x="${X}" y="${H - 8}" text-anchor="middle" font-size="11">${percent(v)}</text>`;
  }
  bars.forEach((b, i) => {
    const y = top + i * row;
    const tip = `${b.label}: ${b.value === null ? 'no data' : percent(b.value)}` +
      (b.lower != null && b.upper != null ? ` [${percent(b.lower)}, ${percent(b.upper)}]` : '') + (b.note ? ` (${b.note})` : '');
    body += `<g><title>${x(tip)}</title>`;
    body += `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${x(clip(b.label, 26))}</text>`;
    if (b.value === null) {
      body += `<text x="${left + 4}" y="${y + 15}" font-style="italic" fill-opacity="0.7">no data</text>`;
    } else {
      const w = n1(sx(b.value) - left);
      body += `<rect x="${left}" y="${y + 5}" width="${w}" height="14" rx="2" fill="${b.color ?? o.color ?? PALETTE.blue}"/>`;
      if (b.lower != null && b.upper != null) {
        const [l, u] = [n1(sx(b.lower)), n1(sx(b.upper))];
        body += `<path d="M${l} ${y + 12}H${u}M${l} ${y + 7}V${y + 17}M${u} ${y + 7}V${y + 17}" stroke="currentColor" stroke-width="1.5" fill="none"/>`;
      }
      body += `<text x="${right + 8}" y="${y + 15}">${percent(b.value)}${b.note ? ` (${x(clip(b.note, 16))})` : ''}</text>`;
    }
    body += '</g>';
  });
  return doc(W, H, title, body, o);
}

export interface ColumnGroup {
  label: string;
  /** One value in [0, 1] per series; null draws nothing. */
  values: (number | null)[];
}

/** Vertical grouped columns (a histogram of shares), one colour per series, with a legend. */
export function columnChart(title: string, series: readonly { name: string; color: string }[], groups: readonly ColumnGroup[], o: ChartOptions = {}): string {
  const W = 420;
  const H = 260;
  const left = 44;
  const bottom = H - 40;
  const top = 66;
  const gw = (W - left - 16) / Math.max(1, groups.length);
  const bw = Math.min(36, (gw - 16) / Math.max(1, series.length));
  const sy = (v: number) => bottom - Math.max(0, Math.min(1, v)) * (bottom - top);
  let body = `<text x="8" y="18" font-size="13" font-weight="600">${x(clip(title, 60))}</text>`;
  series.forEach((s, i) => {
    const lx = 8 + i * 130;
    body += `<rect x="${lx}" y="26" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="35" font-size="11">${x(clip(s.name, 18))}</text>`;
  });
  for (let t = 0; t <= 4; t++) {
    const Y = n1(sy(t / 4));
    body += `<line x1="${left}" y1="${Y}" x2="${W - 8}" y2="${Y}" stroke="currentColor" stroke-opacity="0.2"/>`;
    body += `<text x="${left - 6}" y="${n1(sy(t / 4) + 4)}" text-anchor="end" font-size="11">${t * 25}%</text>`;
  }
  groups.forEach((g, gi) => {
    const gx = left + gi * gw + (gw - bw * series.length) / 2;
    g.values.forEach((v, si) => {
      if (v === null) return;
      const X = n1(gx + si * bw);
      body += `<g><title>${x(`${g.label}, ${series[si].name}: ${percent(v)}`)}</title>`;
      body += `<rect x="${X}" y="${n1(sy(v))}" width="${n1(bw - 3)}" height="${n1(bottom - sy(v))}" fill="${series[si].color}"/>`;
      body += `<text x="${n1(gx + si * bw + (bw - 3) / 2)}" y="${n1(sy(v) - 4)}" text-anchor="middle" font-size="10">${Math.round(100 * v)}%</text></g>`;
    });
    body += `<text x="${n1(left + gi * gw + gw / 2)}" y="${bottom + 16}" text-anchor="middle">${x(clip(g.label, 14))}</text>`;
  });
  body += `<line x1="${left}" y1="${bottom}" x2="${W - 8}" y2="${bottom}" stroke="currentColor"/>`;
  return doc(W, H, title, body, o);
}

/** Confusion-matrix heatmap: rows and columns share `labels`. Darker = more images. */
export function heatmap(
  title: string,
  labels: readonly string[],
  matrix: readonly (readonly number[])[],
  axes: { rows: string; cols: string },
  o: ChartOptions = {},
): string {
  const cell = 34;
  const left = 150;
  const top = 120;
  const k = labels.length;
  const W = left + k * cell + 20;
  const H = top + k * cell + 36;
  const max = matrix.reduce((m, row) => row.reduce((a, b) => Math.max(a, b), m), 1);
  let body = `<text x="8" y="18" font-size="13" font-weight="600">${x(clip(title, 80))}</text>`;
  body += `<text x="${left + (k * cell) / 2}" y="36" text-anchor="middle" font-size="11" font-style="italic">${x(axes.cols)} →</text>`;
  body += `<text x="8" y="${top - 8}" font-size="11" font-style="italic">${x(axes.rows)} ↓</text>`;
  labels.forEach((l, j) => {
    const cx = left + j * cell + cell / 2;
    body += `<text transform="translate(${n1(cx + 4)} ${top - 6}) rotate(-45)" font-size="11"><title>${x(l)}</title>${x(clip(l, 16))}</text>`;
  });
  labels.forEach((rl, i) => {
    const y = top + i * cell;
    body += `<text x="${left - 6}" y="${y + cell / 2 + 4}" text-anchor="end" font-size="11"><title>${x(rl)}</title>${x(clip(rl, 20))}</text>`;
    labels.forEach((cl, j) => {
      const v = matrix[i]?.[j] ?? 0;
      const op = v === 0 ? 0.06 : 0.15 + (0.85 * v) / max;
      const X = left + j * cell;
      body += `<g><title>${x(`${axes.rows} ${rl}, ${axes.cols} ${cl}: ${v}`)}</title>`;
      body += `<rect x="${X}" y="${y}" width="${cell - 2}" height="${cell - 2}" fill="${PALETTE.blue}" fill-opacity="${op.toFixed(2)}"${i === j ? ' stroke="currentColor" stroke-opacity="0.5"' : ''}/>`;
      body += `<text x="${X + (cell - 2) / 2}" y="${y + cell / 2 + 3}" text-anchor="middle" font-size="11"${op > 0.55 ? ' fill="#ffffff"' : ''}>${v}</text></g>`;
    });
  });
  return doc(W, H, title, body, o);
}
