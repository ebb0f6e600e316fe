// The dashboard's evaluation section: when the folder's sub-folders are named after categories
// (CIFAR-10 / ImageNet layouts), the host runs `image-triage eval` against those names and this shows
// top-1/top-5, macro F1, ECE, per-class precision/recall/F1, unmatched folders and the charts.
import type { EvalReport, GroupReport } from '../src/core/eval/evaluate';
import type { DashboardChart } from '../src/shared/auditData';
import { h } from './dom';
import { table } from './dashboardParts';
import { importSvg } from './svgImport';

const pc = (v: number) => `${(100 * v).toFixed(1)}%`;
const f3 = (v: number | null) => (v === null ? '–' : v.toFixed(3));

function group(g: GroupReport, charts: DashboardChart[]): HTMLElement {
  return h(
    'section',
    { class: 'dash-eval-group', 'data-checkpoint': g.checkpoint, 'aria-label': `Evaluation of ${g.classifier} ${g.checkpoint}` },
    h('h4', {}, `${g.classifier === 'vlm' ? 'Vision-language model' : 'Zero-shot'} · `, h('code', {}, g.checkpoint)),
    table(
      `Against folder names (${g.n} images)`,
      ['top-1', 'top-5', 'macro precision', 'macro recall', 'macro F1', 'ECE (15 bins)'],
      [[pc(g.top1), pc(g.top5), f3(g.macro_precision), f3(g.macro_recall), f3(g.macro_f1), f3(g.ece)]],
      'dash-eval-kpis',
    ),
    table('Per class', ['class', 'precision', 'recall', 'F1', 'support'], g.per_class.map((c) => [c.name, f3(c.precision), f3(c.recall), f3(c.f1), String(c.support)])),
    charts.length ? h('details', { class: 'dash-charts' }, h('summary', {}, `Charts (${charts.length})`), ...charts.map((c) => h('figure', {}, importSvg(c.svg, c.title)))) : h('span'),
  );
}

export function evaluationSection(data: { report: EvalReport; charts: DashboardChart[][] }): HTMLElement {
  const r = data.report;
  const sec = h('section', { class: 'dash-eval', 'aria-label': 'Evaluation against folder names' });
  sec.append(
    h('h3', {}, 'Evaluation against folder names'),
    h('p', { class: 'muted' }, `Truth: the parent folder name, matched to categories ignoring case, spaces and underscores (${r.with_truth} of ${r.images} images). ` +
      "Top-1 is the checkpoint's highest-scoring category; scores are not calibrated probabilities. Same numbers as image-triage eval."),
  );
  if (r.unmatched_folders.length) sec.append(h('p', { class: 'muted' }, `Folders matching no category: ${r.unmatched_folders.map((u) => `${u.folder} (${u.images})`).join(', ')}`));
  for (const n of r.notes) sec.append(h('p', { class: 'muted' }, n));
  r.groups.forEach((g, i) => sec.append(group(g, data.charts[i] ?? [])));
  return sec;
}
