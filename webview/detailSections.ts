// The parts of the detail pane that show what a classifier said: per-category score bars, visual
// evidence, decision basis, route, checkpoint (always next to the scores), warnings and errors.
import type { CategoryInfo } from '../src/shared/protocol';
import type { Prediction, PredictionError, Review } from '../src/core/types';
import { fmtScore, h, pct } from './dom';

export const CALIBRATION_NOTE =
  'Zero-shot scores are not calibrated probabilities: compare them only between images scored by the same checkpoint.';

function dl(rows: [string, Node | string][]): HTMLElement {
  const el = h('dl', { class: 'facts' });
  for (const [k, v] of rows) el.append(h('dt', {}, k), h('dd', {}, v));
  return el;
}

/** One horizontal bar per category: the card score (1..5) and, for zero-shot, the raw model score. */
function scoreChart(p: Prediction, categories: CategoryInfo[]): HTMLElement {
  const names = categories.length ? categories.map((c) => c.name) : Object.keys(p.category_scores);
  for (const n of Object.keys(p.category_scores)) if (!names.includes(n)) names.push(n);
  const predicted = new Set(p.predicted_categories.map((c) => c.name));
  const zs = p.zero_shot;
  const rawMax = zs ? Math.max(1e-9, ...Object.values(zs.scores)) : 1;
  const chart = h('div', { class: 'chart', role: 'table', 'aria-label': `Scores per category from ${p.checkpoint}` });
  chart.append(
    h('div', { class: 'chart-row head', role: 'row' },
      h('span', { role: 'columnheader' }, 'Category'),
      h('span', { role: 'columnheader' }, 'Card score (1–5)'),
      h('span', { role: 'columnheader' }, zs ? `${zs.score_kind} score` : ''),
    ),
  );
  names.forEach((name, i) => {
    const card = p.category_scores[name];
    const raw = zs?.scores[name];
    const bar = h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill' }));
    (bar.firstElementChild as HTMLElement).style.width = typeof card === 'number' ? pct(card / 5) : '0%';
    const rawBar = h('span', { class: 'bar raw', 'aria-hidden': 'true' }, h('span', { class: 'bar-fill' }));
    (rawBar.firstElementChild as HTMLElement).style.width = typeof raw === 'number' ? pct(zs!.score_kind === 'softmax' ? raw : raw / rawMax) : '0%';
    chart.append(
      h('div', { class: `chart-row${predicted.has(name) ? ' predicted' : ''}`, role: 'row' },
        h('span', { class: 'chart-name', role: 'cell' }, i < 9 ? h('kbd', {}, String(i + 1)) : null, ' ', name, predicted.has(name) ? h('span', { class: 'sr-only' }, ' (predicted)') : null),
        h('span', { class: 'chart-val', role: 'cell' }, bar, typeof card === 'number' ? String(card) : '–'),
        h('span', { class: 'chart-val', role: 'cell' }, zs ? rawBar : null, zs ? fmtScore(raw, 3) : ''),
      ),
    );
  });
  return chart;
}

export function predictionSection(p: Prediction, categories: CategoryInfo[], primary: boolean): HTMLElement {
  const title = `${p.classifier === 'vlm' ? 'Vision-language model' : 'Zero-shot'} prediction${primary ? '' : ' (older)'}`;
  const sec = h('section', { class: 'prediction', 'aria-label': title }, h('h3', {}, title));
  sec.append(
    dl([
      ['Checkpoint', h('code', { class: 'checkpoint' }, p.checkpoint)],
      ['Details', `${p.dtype}${p.revision ? ` · revision ${p.revision}` : ''}${p.prompt_version ? ` · prompt ${p.prompt_version}` : ''} · ${p.mode}`],
    ]),
    scoreChart(p, categories),
  );
  if (p.classifier === 'zero-shot' || p.zero_shot) sec.append(h('p', { class: 'note' }, CALIBRATION_NOTE));
  const labels = p.predicted_categories.map((c) => c.name);
  sec.append(
    dl([
      ['Predicted', labels.length ? labels.join(', ') : 'nothing fits'],
      ['Fits any', p.fits_any ? 'yes' : 'no'],
      ['Route', p.would_route_to],
      ['Decision basis', p.decision_basis || '—'],
    ]),
  );
  if (p.predicted_categories.length) {
    const ev = h('ul', { class: 'evidence', 'aria-label': 'Visual evidence' });
    for (const c of p.predicted_categories) {
      ev.append(h('li', {}, h('strong', {}, c.name), ` (score ${c.score}, ${c.confidence}): `, c.visual_evidence || '—'));
    }
    sec.append(h('h4', {}, 'Visual evidence'), ev);
  }
  const closest = p.zero_shot?.closest_prompt;
  if (closest && Object.keys(closest).length) {
    const ul = h('ul', { class: 'prompts' });
    for (const [name, prompt] of Object.entries(closest)) ul.append(h('li', {}, h('strong', {}, name), ': ', prompt));
    sec.append(h('h4', {}, 'Closest prompt'), ul);
  }
  const warnings = [...(p.warnings ?? []), ...(p.flags ?? []).map((f) => `${f.kind}: ${f.detail}`)];
  if (warnings.length) {
    const ul = h('ul', { class: 'warnings' });
    for (const w of warnings) ul.append(h('li', {}, w));
    sec.append(h('h4', {}, 'Warnings'), ul);
  }
  return sec;
}

export function errorSection(errors: PredictionError[], sidecarError: string | null): HTMLElement | null {
  if (!errors.length && !sidecarError) return null;
  const sec = h('section', { class: 'errors', role: 'alert', 'aria-label': 'Errors' }, h('h3', {}, 'Error'));
  if (sidecarError) sec.append(h('p', {}, sidecarError));
  for (const e of errors) sec.append(h('p', {}, `${e.classifier} (${e.checkpoint}): ${e.message}`));
  return sec;
}

export function reviewSection(r: Review): HTMLElement {
  const sec = h('section', { class: 'review', 'aria-label': 'Review' }, h('h3', {}, 'Review'));
  const rows: [string, Node | string][] = [
    ['Status', h('span', { class: `badge status status-${r.status}` }, r.status)],
    ['Labels', r.labels.length ? r.labels.join(', ') : r.status === 'rejected' ? 'none of these' : '—'],
  ];
  if (r.by) rows.push(['By', `${r.by}${r.at ? ` · ${new Date(r.at).toLocaleString()}` : ''}`]);
  if (r.note) rows.push(['Note', r.note]);
  sec.append(dl(rows));
  const hist = r.history.slice(-5).reverse();
  if (hist.length) {
    const ul = h('ul', { class: 'history', 'aria-label': 'Recent review history' });
    for (const e of hist) {
      ul.append(h('li', {}, `${e.action} → ${e.status}${e.labels.length ? ` [${e.labels.join(', ')}]` : ''} · ${e.by}${e.reason ? ` · ${e.reason}` : ''}`));
    }
    sec.append(ul);
  }
  return sec;
}
