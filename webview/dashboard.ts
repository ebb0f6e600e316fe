// The trust dashboard: the folder's trust report (built on the host by the core's buildReport) per
// classifier × checkpoint: hallucination with its 95% Wilson interval, the confidence mix against
// 30/50/20, flags, review outcomes, the confusion matrix, accuracy, kappa, and the report's SVG charts.
import type { GroupReport, TrustReport } from '../src/core/audit/reportTypes';
import type { DashboardChart, DashboardData } from '../src/shared/auditData';
import { h, replace } from './dom';
import { confidenceMix, confusionTable, kpi, pct1, rateCell, table } from './dashboardParts';
import { importSvg } from './svgImport';
import { TrustActions } from './trustActions';
import { evaluationSection } from './evaluationView';

export interface DashboardActions {
  refresh(): void;
  exportReport(): void;
  notify(level: 'info' | 'error', text: string): void;
  /** Opens the audit view on the certification sample (judged there with c / w). */
  auditSample(): void;
}

const warn = (text: string) => h('p', { class: 'dash-warn', role: 'note' }, h('strong', {}, 'Warning: '), text);

function hallucination(g: GroupReport): Node[] {
  const hs = g.hallucination;
  const out: Node[] = [
    h(
      'div',
      { class: 'kpis' },
      kpi('Hallucinated evidence', hs.hallucinated, 'judged', 'bad', 'hallucinated'),
      kpi('Partly right evidence', hs.partly, 'judged', 'warn', 'partly'),
      kpi('Category wrong (audit)', hs.category_wrong, 'judged', 'warn', 'category-wrong'),
      kpi('Accuracy vs human labels', g.review.accuracy, 'reviewed', 'ok', 'accuracy'),
      // A VLM failure mode: zero-shot never forces a category, so it is shown for VLMs (or when seen).
      g.classifier === 'vlm' || g.flags.forced_classification.k > 0 ? kpi('Forced classification', g.flags.forced_classification, 'predictions', 'info', 'forced') : null,
    ),
    h('p', { class: 'muted' }, `Audit: ${hs.audited} audited (${hs.verdicts.skip} skipped), ${hs.judged} judged, ${hs.awaiting} awaiting. ` +
      `Verdicts: ${hs.verdicts.accurate} accurate, ${hs.verdicts.partly} partly, ${hs.verdicts.hallucinated} hallucinated.`),
  ];
  if (hs.per_category.length) {
    out.push(
      table(
        'Hallucinated evidence per predicted category (95% Wilson interval)',
        ['category', 'judged', 'hallucinated', 'partly'],
        hs.per_category.map((c) => [c.category, String(c.hallucinated.n), rateCell(c.hallucinated), rateCell(c.partly)]),
      ),
    );
  }
  return out;
}

function flags(g: GroupReport): Node[] {
  if (!g.flags.kinds.length) return [h('p', { class: 'muted' }, `No flags on ${g.flags.predictions} predictions.`)];
  return [
    table(
      `Flags on ${g.flags.predictions} predictions`,
      ['flag', 'predictions', 'occurrences', 'rate'],
      g.flags.kinds.map((f) => [f.kind, String(f.images), String(f.occurrences), pct1(f.rate)]),
    ),
  ];
}

function review(g: GroupReport): Node[] {
  const r = g.review;
  if (!r.decided) return [h('p', { class: 'muted' }, 'No reviewed images yet: acceptance, overrides and the confusion matrix appear once images are reviewed.')];
  const out: Node[] = [];
  if (r.per_category.length) {
    out.push(
      table(
        `Review outcomes per predicted category (${r.decided} decided)`,
        ['predicted', 'reviewed', 'accepted', 'overridden', 'rejected'],
        r.per_category.map((c) => [c.category, String(c.n), rateCell(c.accepted), rateCell(c.overridden), rateCell(c.rejected)]),
      ),
    );
  }
  const cm = confusionTable(g);
  if (cm) out.push(cm);
  return out;
}

function charts(list: DashboardChart[]): Node | null {
  if (!list.length) return null;
  return h('details', { class: 'dash-charts' }, h('summary', {}, `Charts (${list.length})`), ...list.map((c) => h('figure', {}, importSvg(c.svg, c.title))));
}

function group(g: GroupReport, chartList: DashboardChart[]): HTMLElement {
  const sec = h('section', { class: 'dash-group', 'data-classifier': g.classifier, 'data-checkpoint': g.checkpoint, 'aria-label': `${g.classifier} ${g.checkpoint}` });
  sec.append(
    h('h3', {}, `${g.classifier === 'vlm' ? 'Vision-language model' : 'Zero-shot'} · `, h('code', {}, g.checkpoint)),
    h('p', { class: 'muted' }, `${g.predictions} predictions${g.prompt_versions.length ? ` · prompt ${g.prompt_versions.join(', ')}` : ''}`),
    ...g.warnings.map(warn),
    ...hallucination(g),
    h('h4', {}, 'Confidence vs the healthy 30 / 50 / 20'),
    confidenceMix(g.confidence),
    g.confidence.high_warning ? warn(`${pct1(g.confidence.shares.high)} of predicted categories are "high": more than 60% suggests inflated confidence.`) : h('span'),
    h('h4', {}, 'Flags'),
    ...flags(g),
    h('h4', {}, 'Review outcomes'),
    ...review(g),
  );
  const c = charts(chartList);
  if (c) sec.append(c);
  return sec;
}

function agreement(r: TrustReport, list: DashboardChart[]): Node[] {
  if (!r.agreement.length) return [];
  const rows = r.agreement.map((a) => [
    `${a.zero_shot_checkpoint} vs ${a.vlm_checkpoint}`,
    String(a.n),
    a.kappa.kappa === null ? '–' : a.kappa.kappa.toFixed(3),
    pct1(a.kappa.observed),
    pct1(a.kappa.expected),
  ]);
  const out: Node[] = [h('h3', {}, 'Zero-shot vs VLM agreement'), table("Cohen's kappa on top labels", ['checkpoints', 'images', 'κ', 'observed', 'by chance'], rows)];
  const c = charts(list);
  if (c) out.push(c);
  return out;
}

export class Dashboard {
  readonly el: HTMLElement;
  private body: HTMLElement;
  private shown: DashboardData | null | undefined;
  readonly trust: TrustActions;

  constructor(parent: HTMLElement, actions: DashboardActions) {
    const refresh = h('vscode-button', { appearance: 'secondary', 'data-act': 'refresh', 'aria-label': 'Recompute the trust report' }, 'Refresh');
    const exp = h('vscode-button', { appearance: 'secondary', 'data-act': 'export', 'aria-label': 'Export the trust report as HTML, Markdown or JSON' }, 'Export…');
    this.body = h('div', { class: 'dash-body', 'aria-live': 'polite' });
    this.trust = new TrustActions(actions.notify, () => actions.auditSample());
    this.el = h(
      'section',
      { class: 'dashboard', 'aria-label': 'Trust dashboard', tabindex: '-1', hidden: true },
      h('div', { class: 'dash-head' }, h('h2', {}, 'Trust report'), h('span', { class: 'spacer' }), refresh, exp),
      this.trust.el,
      this.body,
    );
    parent.append(this.el);
    refresh.addEventListener('click', () => actions.refresh());
    exp.addEventListener('click', () => actions.exportReport());
  }

  render(data: DashboardData | null): void {
    if (data === this.shown) return;
    this.shown = data;
    if (!data) {
      replace(this.body, h('p', { class: 'muted' }, 'Computing the trust report…'));
      return;
    }
    const r = data.report;
    const parts: Node[] = [
      h('p', { class: 'muted' }, `${r.folder} · ${r.images.total} images, ${r.images.with_sidecar} with sidecars${r.images.corrupt ? `, ${r.images.corrupt} unreadable` : ''} · computed ${new Date(r.generated_at).toLocaleString()}`),
      ...r.warnings.map(warn),
    ];
    if (data.evaluation) parts.push(evaluationSection(data.evaluation));
    if (!r.groups.length) parts.push(h('p', {}, 'No predictions yet: classify the folder, then start an audit.'));
    r.groups.forEach((g, i) => parts.push(group(g, data.charts.groups[i] ?? [])));
    parts.push(...agreement(r, data.charts.agreement));
    if (r.near_duplicates) {
      const d = r.near_duplicates;
      parts.push(h('h3', {}, 'Near duplicates'), h('p', {}, `${d.pairs.length} pairs with cosine ≥ ${d.threshold}, ${d.different_labels} with different human labels. Filter them in the Images view (Label issues → Near duplicates).${d.search?.method === 'ivf' ? ` Approximate search (IVF index, ${d.search.cells} cells, ${d.search.nprobe} probed per image): a pair can be missed.` : ''}`));
    }
    replace(this.body, ...parts);
  }
}
