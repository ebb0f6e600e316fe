// Chooses and draws the trust report's charts. File names are built from indexes only, never from
// model output, so they are always safe to write.
import type { AgreementReport, GroupReport, TrustReport } from './reportTypes';
import { PALETTE, barChart, columnChart, heatmap, type Bar, type ChartOptions } from './charts';
import type { Proportion } from './stats';

export interface Chart {
  /** Safe file name, e.g. "g1-hallucination.svg". */
  file: string;
  title: string;
  svg: string;
}

const bar = (label: string, p: Proportion, color?: string): Bar => ({
  label,
  value: p.rate,
  lower: p.lower,
  upper: p.upper,
  note: `${p.k}/${p.n}`,
  ...(color ? { color } : {}),
});

export function groupName(g: Pick<GroupReport, 'classifier' | 'checkpoint'>): string {
  return `${g.classifier} · ${g.checkpoint}`;
}

/** The charts of one classifier/checkpoint group; `prefix` makes file names unique. */
export function groupCharts(g: GroupReport, prefix: string, o: ChartOptions = {}): Chart[] {
  const name = groupName(g);
  const out: Chart[] = [];
  const h = g.hallucination;
  if (h.judged > 0) {
    const title = `Hallucinated evidence, 95% Wilson interval: ${name}`;
    const bars = [
      bar('overall: hallucinated', h.hallucinated, PALETTE.red),
      bar('overall: partly', h.partly, PALETTE.orange),
      ...h.per_category.map((c) => bar(c.category, c.hallucinated, PALETTE.red)),
    ];
    out.push({ file: `${prefix}-hallucination.svg`, title, svg: barChart(title, bars, o) });
  }
  if (g.confidence.total > 0) {
    const title = `Confidence vs healthy 30/50/20: ${name}`;
    const c = g.confidence;
    const groups = (['high', 'medium', 'low'] as const).map((k) => ({ label: k, values: [c.shares[k], c.healthy[k]] }));
    const svg = columnChart(title, [{ name: 'observed', color: c.high_warning ? PALETTE.red : PALETTE.blue }, { name: 'healthy', color: PALETTE.grey }], groups, o);
    out.push({ file: `${prefix}-confidence.svg`, title, svg });
  }
  if (g.flags.kinds.length > 0) {
    const title = `Flags per prediction: ${name}`;
    const bars: Bar[] = g.flags.kinds.map((f) => ({ label: f.kind, value: f.rate, note: `${f.images}/${g.flags.predictions}`, color: PALETTE.orange }));
    out.push({ file: `${prefix}-flags.svg`, title, svg: barChart(title, bars, o) });
  }
  if (g.review.per_category.length > 0) {
    const title = `Accepted by reviewers, per predicted category: ${name}`;
    const bars = g.review.per_category.map((c) => bar(c.category, c.accepted, PALETTE.green));
    out.push({ file: `${prefix}-acceptance.svg`, title, svg: barChart(title, bars, o) });
  }
  if (g.review.confusion.total > 0) {
    const title = `Predicted vs human label: ${name}`;
    const m = g.review.confusion;
    out.push({ file: `${prefix}-confusion.svg`, title, svg: heatmap(title, m.labels, m.matrix, { rows: 'predicted', cols: 'human' }, o) });
  }
  return out;
}

export function agreementChart(a: AgreementReport, prefix: string, o: ChartOptions = {}): Chart {
  const title = `Zero-shot (${a.zero_shot_checkpoint}) vs VLM (${a.vlm_checkpoint}) top labels`;
  return { file: `${prefix}-agreement.svg`, title, svg: heatmap(title, a.matrix.labels, a.matrix.matrix, { rows: 'zero-shot', cols: 'VLM' }, o) };
}

/** Every chart of a report, grouped the way the renderers lay them out. */
export function reportCharts(r: TrustReport, o: ChartOptions = {}): { groups: Chart[][]; agreement: Chart[] } {
  return {
    groups: r.groups.map((g, i) => groupCharts(g, `g${i + 1}`, o)),
    agreement: r.agreement.filter((a) => a.n > 0).map((a, i) => agreementChart(a, `a${i + 1}`, o)),
  };
}
