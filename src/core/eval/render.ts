// The evaluation as Markdown, a self-contained HTML page, or JSON. The JSON repeats the main group's
// numbers (the checkpoint with the most evaluated images) at the top level: top1, top5, per_class,
// macro_f1, ece, confusion (and, for a multi_label evaluation, subset_accuracy, hamming_loss, micro_f1).
import { barChart, heatmap, percent, type ChartOptions } from '../audit/charts';
import { escapeMarkdown as md, escapeXml as x } from '../audit/escape';
import { CSS } from '../audit/reportRender';
import { coverageChart, reliabilityDiagram } from './evalCharts';
import type { EvalReport, GroupReport } from './evaluate';

const f3 = (v: number | null) => (v === null ? '—' : v.toFixed(3));

export function groupCharts(g: GroupReport, o: ChartOptions): { title: string; svg: string }[] {
  const out = [{ title: 'Per-class F1', svg: barChart(`Per-class F1 — ${g.checkpoint}`, g.per_class.map((c) => ({ label: c.name, value: c.f1, note: `n=${c.support}` })), o) }];
  // A multi_label evaluation has no class × class matrix: its per-label 2×2 matrices are a table.
  if (g.evaluation !== 'multi_label') out.push({ title: 'Confusion matrix', svg: heatmap(`Confusion — ${g.checkpoint}`, g.classes, g.confusion, { rows: 'truth', cols: 'predicted' }, o) });
  if (g.ece !== null) {
    out.push({ title: 'Reliability diagram', svg: reliabilityDiagram(`Reliability (ECE ${f3(g.ece)}, 15 bins${g.multi_label ? ', every label score' : ''})`, g.reliability, o) });
    out.push({ title: 'Accuracy vs coverage', svg: coverageChart('Accuracy vs coverage', g.coverage, o) });
  }
  return out;
}

interface Block {
  kind: 'h1' | 'h2' | 'p' | 'table' | 'chart';
  text?: string;
  head?: string[];
  rows?: string[][];
  svg?: string;
}

function blocks(r: EvalReport, o: ChartOptions): Block[] {
  const b: Block[] = [{ kind: 'h1', text: `Evaluation: ${r.folder}` }];
  b.push({ kind: 'p', text: `Truth from ${r.truth === 'folders' ? 'the parent folder name' : 'human labels'}: ${r.with_truth} of ${r.images} images. Top-1 is the checkpoint's highest-scoring category. Scores are raw model outputs, not calibrated probabilities; ECE measures how far they are.` });
  if (r.unmatched_folders.length) b.push({ kind: 'p', text: `Folders matching no category (left out): ${r.unmatched_folders.map((u) => `${u.folder} (${u.images})`).join(', ')}` });
  if (r.without_prediction) b.push({ kind: 'p', text: `${r.without_prediction} images with truth have no prediction yet.` });
  for (const n of r.notes) b.push({ kind: 'p', text: n });
  for (const g of r.groups) {
    b.push({ kind: 'h2', text: `${g.classifier} · ${g.checkpoint}` });
    if (g.multi_label) {
      const m = g.multi_label;
      b.push({
        kind: 'table',
        head: ['images', 'subset accuracy', 'hamming loss', 'micro F1', 'macro F1', 'top-1', 'top-5', 'ECE (15 bins, per label)'],
        rows: [[String(g.n), percent(m.subset_accuracy), f3(m.hamming_loss), f3(m.micro_f1), f3(g.macro_f1), percent(g.top1), percent(g.top5), f3(g.ece)]],
      });
      b.push({ kind: 'table', head: ['label', 'precision', 'recall', 'F1', 'support', 'TN', 'FP', 'FN', 'TP'], rows: g.per_class.map((c, i) => [c.name, f3(c.precision), f3(c.recall), f3(c.f1), String(c.support), ...m.label_confusion[i].flat().map(String)]) });
      b.push({ kind: 'p', text: `Images without a true label (rejected): ${m.empty_truth}; without a predicted label: ${m.empty_prediction}. Top-1/top-5 over the ${m.top_k_images} images with a true label.` });
      if (g.other_categories) b.push({ kind: 'p', text: `${g.other_categories} images were predicted against other categories and are left out.` });
      for (const c of groupCharts(g, o)) b.push({ kind: 'chart', text: c.title, svg: c.svg });
      continue;
    }
    b.push({
      kind: 'table',
      head: ['images', 'top-1', 'top-5', 'macro P', 'macro R', 'macro F1', 'ECE (15 bins)'],
      rows: [[String(g.n), percent(g.top1), percent(g.top5), f3(g.macro_precision), f3(g.macro_recall), f3(g.macro_f1), f3(g.ece)]],
    });
    if (g.other_categories) b.push({ kind: 'p', text: `${g.other_categories} images were predicted against other categories and are left out.` });
    if (g.not_single) b.push({ kind: 'p', text: `${g.not_single} human-labelled images with no label or several labels are left out (single_label).` });
    b.push({ kind: 'table', head: ['class', 'precision', 'recall', 'F1', 'support', 'no prediction'], rows: g.per_class.map((c, i) => [c.name, f3(c.precision), f3(c.recall), f3(c.f1), String(c.support), String(g.no_prediction[i])]) });
    if (g.coverage.length) b.push({ kind: 'table', head: ['coverage', '25%', '50%', '75%', '100%'], rows: [['accuracy', ...[4, 9, 14, 19].map((i) => (g.coverage[i] ? percent(g.coverage[i].accuracy) : '—'))]] });
    for (const c of groupCharts(g, o)) b.push({ kind: 'chart', text: c.title, svg: c.svg });
  }
  return b;
}

export function renderEvalMarkdown(r: EvalReport): string {
  const out: string[] = [];
  for (const b of blocks(r, { standalone: true })) {
    if (b.kind === 'h1') out.push(`# ${md(b.text!)}`);
    else if (b.kind === 'h2') out.push(`## ${md(b.text!)}`);
    else if (b.kind === 'p') out.push(md(b.text!));
    else if (b.kind === 'table') out.push([`| ${b.head!.map(md).join(' | ')} |`, `|${b.head!.map(() => ' --- ').join('|')}|`, ...b.rows!.map((row) => `| ${row.map(md).join(' | ')} |`)].join('\n'));
    else out.push(`<img alt="${x(b.text!)}" src="data:image/svg+xml;base64,${Buffer.from(b.svg!).toString('base64')}">`);
  }
  return out.join('\n\n') + '\n';
}

export function renderEvalHtml(r: EvalReport): string {
  const body = blocks(r, { standalone: false })
    .map((b) => {
      if (b.kind === 'h1' || b.kind === 'h2') return `<${b.kind}>${x(b.text!)}</${b.kind}>`;
      if (b.kind === 'p') return `<p>${x(b.text!)}</p>`;
      if (b.kind === 'table') return `<table><tr>${b.head!.map((h) => `<th>${x(h)}</th>`).join('')}</tr>${b.rows!.map((row) => `<tr>${row.map((c) => `<td>${x(c)}</td>`).join('')}</tr>`).join('')}</table>`;
      return `<figure>${b.svg}</figure>`;
    })
    .join('\n');
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">` +
    `<title>${x(`Image Triage evaluation: ${r.folder}`)}</title><style>${CSS}</style></head>\n<body>\n${body}\n</body></html>\n`
  );
}

export function renderEvalJson(r: EvalReport): string {
  const main = r.groups[0];
  const m = main?.multi_label;
  // multi_label: `confusion` is scikit-learn's multilabel_confusion_matrix ([[tn, fp], [fn, tp]] per label).
  const head = main
    ? {
        classifier: main.classifier, checkpoint: main.checkpoint, evaluation: main.evaluation, top1: main.top1, top5: main.top5, per_class: main.per_class, macro_f1: main.macro_f1, ece: main.ece,
        confusion: m ? m.label_confusion : main.confusion, classes: main.classes,
        ...(m ? { subset_accuracy: m.subset_accuracy, hamming_loss: m.hamming_loss, micro_f1: m.micro_f1 } : {}),
      }
    : { top1: null, top5: null, per_class: [], macro_f1: null, ece: null, confusion: [] };
  return JSON.stringify({ ...head, ...r }, null, 2) + '\n';
}
