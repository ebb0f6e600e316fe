// The parts of the detail pane that show what a classifier said: per-category score bars, visual
// evidence, decision basis, route, checkpoint (always next to the scores), flags, warnings and
// errors; for an image with both a zero-shot and a VLM prediction, both, each with its own
// checkpoint and score note. What is said comes from predictionView.ts; this file only renders it.
import type { CategoryInfo } from '../src/shared/protocol';
import type { ClassifierKind, Prediction, PredictionError, Review } from '../src/core/types';
import { fmtScore, h, pct } from './dom';
import { BOTH_NOTE, describePrediction, disagreement, orderPredictions, type PredictionView } from './predictionView';

export { CALIBRATION_NOTE, VLM_SCORE_NOTE } from './predictionView';

function dl(rows: [string, Node | string][]): HTMLElement {
  const el = h('dl', { class: 'facts' });
  for (const [k, v] of rows) el.append(h('dt', {}, k), h('dd', {}, v));
  return el;
}

/** One horizontal bar per category: the card score (1..5) and, for zero-shot, the raw model score. */
function scoreChart(p: Prediction, v: PredictionView, categories: CategoryInfo[]): HTMLElement {
  const names = categories.length ? categories.map((c) => c.name) : Object.keys(p.category_scores);
  for (const n of Object.keys(p.category_scores)) if (!names.includes(n)) names.push(n);
  const predicted = new Set(p.predicted_categories.map((c) => c.name));
  const zs = v.rawScoreLabel ? p.zero_shot : undefined;
  const rawMax = zs ? Math.max(1e-9, ...Object.values(zs.scores)) : 1;
  const chart = h('div', { class: zs ? 'chart' : 'chart card-only', role: 'table', 'aria-label': `Scores per category from ${p.checkpoint}` });
  chart.append(
    h('div', { class: 'chart-row head', role: 'row' },
      h('span', { role: 'columnheader' }, 'Category'),
      h('span', { role: 'columnheader' }, v.cardScoreLabel),
      zs ? h('span', { role: 'columnheader' }, v.rawScoreLabel) : null,
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
        zs ? h('span', { class: 'chart-val', role: 'cell' }, rawBar, fmtScore(raw, 3)) : null,
      ),
    );
  });
  return chart;
}

/** `shownInGrid`: mark it as the prediction the grid shows (when the image has more than one). */
export function predictionSection(p: Prediction, categories: CategoryInfo[], shownInGrid = false): HTMLElement {
  const v = describePrediction(p);
  const title = `${v.title}${shownInGrid ? ' (shown in the grid)' : ''}`;
  const sec = h('section', { class: `prediction prediction-${v.kind}`, 'aria-label': title, 'data-classifier': v.kind }, h('h3', {}, title));
  sec.append(dl([['Checkpoint', h('code', { class: 'checkpoint' }, v.checkpoint)], ...v.about]), scoreChart(p, v, categories));
  sec.append(h('p', { class: 'note score-note' }, v.scoreNote));
  sec.append(dl(v.outcome));
  if (v.evidence.length) {
    const ev = h('ul', { class: 'evidence', 'aria-label': 'Visual evidence' });
    for (const c of v.evidence) ev.append(h('li', {}, h('strong', {}, c.name), ` (score ${c.score}, ${c.confidence} confidence): `, c.text));
    sec.append(h('h4', {}, 'Visual evidence'), ev);
  }
  const closest = p.zero_shot?.closest_prompt;
  if (closest && Object.keys(closest).length) {
    const ul = h('ul', { class: 'prompts' });
    for (const [name, prompt] of Object.entries(closest)) ul.append(h('li', {}, h('strong', {}, name), ': ', prompt));
    sec.append(h('h4', {}, 'Closest prompt'), ul);
  }
  if (v.flags.length) {
    const ul = h('ul', { class: 'flags', 'aria-label': `Flags raised while checking the answer (${v.flags.length})` });
    for (const f of v.flags) {
      ul.append(h('li', { class: 'flag', 'data-kind': f.kind }, h('span', { class: 'badge flag-badge' }, f.label), ' ', h('code', { class: 'flag-kind' }, f.kind), f.detail ? `: ${f.detail}` : ''));
    }
    sec.append(h('h4', {}, `Flags (${v.flags.length})`), ul);
  }
  if (v.warnings.length) {
    const ul = h('ul', { class: 'warnings' });
    for (const w of v.warnings) ul.append(h('li', {}, w));
    sec.append(h('h4', {}, 'Warnings'), ul);
  }
  return sec;
}

/** Every prediction of the image, the grid's first; with two classifiers, a note and any disagreement. */
export function predictionSections(predictions: Partial<Record<string, Prediction | undefined>>, categories: CategoryInfo[], effective?: ClassifierKind | null): HTMLElement[] {
  const preds = orderPredictions(predictions, effective);
  const out: HTMLElement[] = [];
  if (preds.length > 1) {
    const box = h('div', { class: 'compare', role: 'note' }, h('p', { class: 'note' }, BOTH_NOTE));
    const d = disagreement(preds);
    if (d) box.append(h('p', { class: 'disagree' }, d));
    const cascaded = preds.find((p) => p.classifier === 'vlm')?.cascade;
    if (cascaded) box.append(h('p', { class: 'note cascade-note' }, `The cascade asked the VLM because the zero-shot card matched its rule (${cascaded.when}); the VLM’s answer is the one that counts.`));
    out.push(box);
  }
  preds.forEach((p, i) => out.push(predictionSection(p, categories, i === 0 && preds.length > 1)));
  return out;
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
