// Building blocks of the trust dashboard: rates with their 95% Wilson interval (text and a bar),
// tables, the confidence mix against the healthy 30/50/20. DOM and text only.
import type { Proportion } from '../src/core/audit/stats';
import type { ConfidenceSection, GroupReport } from '../src/core/audit/reportTypes';
import { h } from './dom';

export const pct1 = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');

export function intervalText(p: Proportion): string {
  return p.rate === null ? 'no data' : `${pct1(p.rate)} [${pct1(p.lower)}, ${pct1(p.upper)}]`;
}

const clamp = (x: number) => `${(100 * Math.max(0, Math.min(1, x))).toFixed(2)}%`;

/** A 0–100% track with the interval as a band and the rate as a mark. */
export function intervalBar(p: Proportion, tone: 'bad' | 'warn' | 'ok' | 'info'): HTMLElement {
  const bar = h('span', { class: `ibar ibar-${tone}`, 'aria-hidden': 'true' });
  if (p.rate === null) return bar;
  const band = h('span', { class: 'ibar-band' });
  band.style.left = clamp(p.lower!);
  band.style.width = clamp(p.upper! - p.lower!);
  const mark = h('span', { class: 'ibar-mark' });
  mark.style.left = clamp(p.rate);
  bar.append(band, mark);
  return bar;
}

/** One headline rate: name, value, interval, k of n, and the bar. Numbers also as data attributes. */
export function kpi(name: string, p: Proportion, what: string, tone: 'bad' | 'warn' | 'ok' | 'info', key: string): HTMLElement {
  const el = h(
    'div',
    {
      class: 'kpi',
      role: 'group',
      'aria-label': `${name}: ${intervalText(p)}, ${p.k} of ${p.n} ${what}, 95% Wilson interval`,
      'data-kpi': key,
      'data-rate': p.rate ?? '',
      'data-lower': p.lower ?? '',
      'data-upper': p.upper ?? '',
      'data-k': p.k,
      'data-n': p.n,
    },
    h('div', { class: 'kpi-name' }, name),
    h('div', { class: 'kpi-value' }, pct1(p.rate)),
    h('div', { class: 'kpi-interval' }, p.rate === null ? 'no data yet' : `95% CI [${pct1(p.lower)}, ${pct1(p.upper)}]`),
    intervalBar(p, tone),
    h('div', { class: 'kpi-n' }, `${p.k} of ${p.n} ${what}`),
  );
  return el;
}

export function table(caption: string, head: string[], rows: (string | Node)[][], cls = ''): HTMLElement {
  return h(
    'table',
    { class: `dash-table ${cls}` },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))),
  );
}

/** Rate cell: "33.3% [6.1%, 79.2%] (1/3)". */
export function rateCell(p: Proportion): HTMLElement {
  return h('span', { class: 'rate-cell' }, intervalText(p), h('span', { class: 'muted' }, ` (${p.k}/${p.n})`));
}

export function confidenceMix(c: ConfidenceSection): HTMLElement {
  const rows = (['high', 'medium', 'low'] as const).map((k) => {
    const share = c.shares[k];
    const track = h('span', { class: 'cbar', 'aria-hidden': 'true' });
    const fill = h('span', { class: `cbar-fill${k === 'high' && c.high_warning ? ' over' : ''}` });
    fill.style.width = clamp(share ?? 0);
    const healthy = h('span', { class: 'cbar-healthy', title: `healthy ${pct1(c.healthy[k])}` });
    healthy.style.left = clamp(c.healthy[k]);
    track.append(fill, healthy);
    return h(
      'div',
      { class: 'cmix-row', role: 'row' },
      h('span', { role: 'rowheader', class: 'cmix-name' }, k),
      h('span', { role: 'cell', class: 'cmix-bar' }, track),
      h('span', { role: 'cell', class: 'cmix-val' }, `${pct1(share)} (${c.counts[k]})`),
      h('span', { role: 'cell', class: 'muted' }, `healthy ${pct1(c.healthy[k])}`),
    );
  });
  return h('div', { class: 'cmix', role: 'table', 'aria-label': `Confidence of ${c.total} predicted categories against the healthy 30/50/20` }, ...rows);
}

export function confusionTable(g: GroupReport): HTMLElement | null {
  const m = g.review.confusion;
  if (!m.total) return null;
  const max = Math.max(1, ...m.matrix.flat());
  const head = h('tr', {}, h('th', { scope: 'col' }, 'predicted ↓ / human →'), ...m.labels.map((l) => h('th', { scope: 'col' }, l)));
  const body = m.labels.map((row, i) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, row),
      ...m.matrix[i].map((v, j) => {
        const td = h('td', { class: `cm-cell${i === j ? ' diag' : ''}${v ? '' : ' zero'}`, title: `predicted ${row}, human ${m.labels[j]}: ${v}` }, String(v));
        td.style.setProperty('--heat', (v / max).toFixed(3));
        return td;
      }),
    ),
  );
  return h(
    'table',
    { class: 'dash-table confusion' },
    h('caption', {}, `Confusion matrix: predicted against human label (${m.correct} of ${m.total} on the diagonal)`),
    h('thead', {}, head),
    h('tbody', {}, ...body),
  );
}
