// The trust report's layout as plain blocks (headings, paragraphs, tables, charts). Text here is
// raw; the Markdown and HTML renderers escape it. Both renderers share this one layout, so they show
// the same numbers.
import { describeSearch } from './labelIssues';
import type { Proportion } from './stats';
import type { GroupReport, TrustReport } from './reportTypes';
import { reportCharts, groupName, type Chart } from './reportCharts';

export type Block =
  | { kind: 'h'; level: 1 | 2 | 3; text: string }
  | { kind: 'p'; text: string }
  | { kind: 'warn'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'chart'; chart: Chart };

export const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
/** "25.0% [7.1%, 59.1%]" — the interval in percent to one decimal, i.e. the rate to the third decimal. */
export const fmtRate = (p: Proportion) => (p.rate === null ? '— (no data)' : `${pct(p.rate)} [${pct(p.lower)}, ${pct(p.upper)}]`);
export const fmtKN = (p: Proportion) => `${p.k}/${p.n}`;
const num3 = (v: number | null) => (v === null ? '—' : v.toFixed(3));

function groupBlocks(g: GroupReport, charts: Chart[]): Block[] {
  const b: Block[] = [];
  const chart = (suffix: string) => charts.filter((c) => c.file.endsWith(`-${suffix}.svg`)).forEach((c) => b.push({ kind: 'chart', chart: c }));
  b.push({ kind: 'h', level: 2, text: groupName(g) });
  b.push({
    kind: 'p',
    text: `${g.predictions} current prediction(s).` + (g.prompt_versions.length ? ` Prompt version(s): ${g.prompt_versions.join(', ')}.` : ''),
  });
  for (const w of g.warnings) b.push({ kind: 'warn', text: w });

  const h = g.hallucination;
  b.push({ kind: 'h', level: 3, text: 'Hallucination (audited visual evidence)' });
  b.push({ kind: 'p', text: `${h.audited} audited (${h.verdicts.skip} skipped, ${h.judged} judged); ${h.awaiting} awaiting a verdict. Skips are excluded; "partly" is counted separately.` });
  b.push({
    kind: 'table',
    head: ['Measure', 'Rate [95% Wilson]', 'k/n'],
    rows: [
      ['Hallucinated', fmtRate(h.hallucinated), fmtKN(h.hallucinated)],
      ['Partly accurate', fmtRate(h.partly), fmtKN(h.partly)],
      ['Accurate', fmtRate(h.accurate), fmtKN(h.accurate)],
      ['Category wrong', fmtRate(h.category_wrong), fmtKN(h.category_wrong)],
    ],
  });
  if (h.per_category.length) {
    b.push({
      kind: 'table',
      head: ['Predicted category', 'Hallucinated [95% Wilson]', 'Partly [95% Wilson]', 'Accurate', 'Partly', 'Hallucinated', 'Skip'],
      rows: h.per_category.map((c) => [
        c.category,
        `${fmtRate(c.hallucinated)} (${fmtKN(c.hallucinated)})`,
        `${fmtRate(c.partly)} (${fmtKN(c.partly)})`,
        String(c.verdicts.accurate),
        String(c.verdicts.partly),
        String(c.verdicts.hallucinated),
        String(c.verdicts.skip),
      ]),
    });
  }
  chart('hallucination');

  const c = g.confidence;
  b.push({ kind: 'h', level: 3, text: 'Confidence' });
  b.push({
    kind: 'table',
    head: ['Confidence', 'Count', 'Share', 'Healthy'],
    rows: (['high', 'medium', 'low'] as const).map((k) => [k, String(c.counts[k]), pct(c.shares[k]), pct(c.healthy[k])]),
  });
  chart('confidence');

  const f = g.flags;
  b.push({ kind: 'h', level: 3, text: 'Forced classification and other flags' });
  b.push({ kind: 'p', text: `Forced classification: ${fmtRate(f.forced_classification)} of predictions (${fmtKN(f.forced_classification)}).` });
  if (f.kinds.length) {
    b.push({
      kind: 'table',
      head: ['Flag', 'Predictions', 'Occurrences', 'Share of predictions'],
      rows: f.kinds.map((k) => [k.kind, String(k.images), String(k.occurrences), pct(k.rate)]),
    });
  } else b.push({ kind: 'p', text: 'No flags.' });
  chart('flags');

  const r = g.review;
  b.push({ kind: 'h', level: 3, text: 'Review outcomes' });
  b.push({ kind: 'p', text: `Accuracy against human labels: ${fmtRate(r.accuracy)} (${fmtKN(r.accuracy)} decided reviews: accepted, overridden or rejected).` });
  if (r.auto_accepted) b.push({ kind: 'p', text: `Auto-accepted at a certified threshold: ${r.auto_accepted} (machine decisions: not counted as human labels above).` });
  if (r.per_category.length) {
    b.push({
      kind: 'table',
      head: ['Predicted category (as reviewed)', 'n', 'Accepted', 'Overridden', 'Rejected'],
      rows: r.per_category.map((x) => [x.category, String(x.n), `${fmtRate(x.accepted)} (${fmtKN(x.accepted)})`, `${fmtRate(x.overridden)} (${fmtKN(x.overridden)})`, `${fmtRate(x.rejected)} (${fmtKN(x.rejected)})`]),
    });
  }
  chart('acceptance');
  if (r.confusion.total) {
    b.push({ kind: 'p', text: 'Confusion matrix: rows are predicted labels, columns human labels.' });
    b.push({ kind: 'table', head: ['predicted \\ human', ...r.confusion.labels], rows: r.confusion.labels.map((l, i) => [l, ...r.confusion.matrix[i].map(String)]) });
  }
  chart('confusion');

  const s = g.suspect_labels;
  if (s) {
    b.push({ kind: 'h', level: 3, text: 'Suspect labels (lowest self-confidence first)' });
    b.push({ kind: 'p', text: `${s.checked} labelled image(s) checked against this checkpoint's raw scores; ${s.flagged} flagged by confident learning.` });
    if (s.ranked.length) {
      b.push({
        kind: 'table',
        head: ['Image', 'Human label', 'Self-confidence', "Model's top", 'Top score', 'Flagged'],
        rows: s.ranked.map((x) => [x.id, x.label, x.self_confidence.toFixed(3), x.predicted, x.predicted_score.toFixed(3), x.flagged ? 'yes' : 'no']),
      });
    }
  }
  return b;
}

export function reportBlocks(r: TrustReport, charts = reportCharts(r)): Block[] {
  const b: Block[] = [{ kind: 'h', level: 1, text: `Trust report${r.folder ? `: ${r.folder}` : ''}` }];
  b.push({
    kind: 'p',
    text: `Generated ${r.generated_at}. ${r.images.total} image(s), ${r.images.with_sidecar} with a sidecar, ${r.images.corrupt} corrupt sidecar(s). Intervals are 95% Wilson score intervals (z = ${r.z}).`,
  });
  for (const w of r.warnings) b.push({ kind: 'warn', text: w });
  if (!r.groups.length) b.push({ kind: 'p', text: 'No predictions yet: classify the folder first.' });
  r.groups.forEach((g, i) => b.push(...groupBlocks(g, charts.groups[i] ?? [])));
  if (r.agreement.length) {
    b.push({ kind: 'h', level: 2, text: 'Agreement: zero-shot vs VLM' });
    b.push({
      kind: 'table',
      head: ['Zero-shot checkpoint', 'VLM checkpoint', 'Images', 'Observed agreement', 'Chance agreement', "Cohen's kappa"],
      rows: r.agreement.map((a) => [a.zero_shot_checkpoint, a.vlm_checkpoint, String(a.n), num3(a.kappa.observed), num3(a.kappa.expected), num3(a.kappa.kappa)]),
    });
    charts.agreement.forEach((c) => b.push({ kind: 'chart', chart: c }));
  }
  const d = r.near_duplicates;
  if (d) {
    b.push({ kind: 'h', level: 2, text: 'Near duplicates' });
    b.push({ kind: 'p', text: `${d.pairs.length} pair(s) with embedding cosine ≥ ${d.threshold} in ${d.clusters?.length ?? 0} cluster(s) (images joined by chains of pairs); ${d.different_labels} pair(s) with different human labels. ${describeSearch(d.search)}` });
    if (d.clusters?.length) b.push({ kind: 'table', head: ['Cluster', 'Images', 'Members'], rows: d.clusters.slice(0, 50).map((c, i) => [String(i + 1), String(c.length), c.slice(0, 8).join(', ') + (c.length > 8 ? ', …' : '')]) });
    if (d.pairs.length) b.push({ kind: 'table', head: ['Image A', 'Image B', 'Cosine', 'Different labels'], rows: d.pairs.map((p) => [p.a, p.b, p.cosine.toFixed(3), p.different_labels ? 'yes' : 'no']) });
  }
  const pr = r.description_probe;
  if (pr) {
    b.push({ kind: 'h', level: 2, text: 'Description-ignored probe' });
    b.push({
      kind: 'table',
      head: ['Variant', 'Changed predictions [95% Wilson]', 'k/n'],
      rows: [
        ['Names only', fmtRate(pr.names_only_changed), fmtKN(pr.names_only_changed)],
        ['Descriptions shuffled', fmtRate(pr.shuffled_changed), fmtKN(pr.shuffled_changed)],
      ],
    });
    b.push({ kind: 'p', text: `Warning threshold: fewer than ${pct(pr.threshold)} of predictions change when the descriptions are shuffled.` });
  }
  return b;
}
