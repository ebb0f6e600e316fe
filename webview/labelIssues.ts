// The label-issue filters' data: which images each issue names, in what order, and the sentences
// the toolbar shows. Pure: unit tested.
import type { LabelIssues } from '../src/shared/auditData';
import type { FilterState } from './filters';

export type IssueKind = FilterState['issue'];

const num = (x: number) => x.toFixed(3);

/** Image id → rank for an issue filter; null while the host has not answered. */
export function issueRanks(issues: LabelIssues | null, kind: IssueKind): Map<string, number> | null {
  if (!kind || !issues) return null;
  const ids: string[] = [];
  if (kind === 'suspect') ids.push(...(issues.suspect?.ranked ?? []).map((s) => s.id));
  else for (const p of issues.duplicates.pairs) ids.push(p.a, p.b);
  const rank = new Map<string, number>();
  for (const id of ids) if (!rank.has(id)) rank.set(id, rank.size);
  return rank;
}

/** What the filter shows, in one sentence. */
export function issueSummary(issues: LabelIssues | null, kind: IssueKind): string {
  if (!kind) return '';
  if (!issues) return kind === 'suspect' ? 'Finding suspect labels…' : 'Comparing image embeddings…';
  if (kind === 'suspect') {
    const s = issues.suspect;
    if (!s) return 'Suspect labels need zero-shot predictions: classify the folder with a CLIP/SigLIP model first.';
    if (!s.checked) return `No reviewed labels to check yet (${s.checkpoint}): accept or override some images first.`;
    return (
      `${s.ranked.length} suspect label${s.ranked.length === 1 ? '' : 's'} of ${s.checked} reviewed: the zero-shot model (${s.checkpoint}) prefers another category` +
      ` (${s.flagged} flagged by confident learning). Least likely label first.`
    );
  }
  const d = issues.duplicates;
  if (!d.checkpoint || !d.embedded) return 'Near duplicates need cached zero-shot image embeddings: classify the folder with a CLIP/SigLIP model first.';
  return (
    `${d.pairs.length} near-duplicate pair${d.pairs.length === 1 ? '' : 's'} (cosine ≥ ${d.threshold}, ${d.checkpoint}), ` +
    `${d.clusters.length} cluster${d.clusters.length === 1 ? '' : 's'}, ${d.differentLabels} with different human labels; ${d.embedded} images compared. Most similar first.`
  );
}

/** What the issue says about one image, e.g. for the focused one. */
export function issueOf(issues: LabelIssues | null, kind: IssueKind, id: string | null): string | null {
  if (!issues || !kind || !id) return null;
  if (kind === 'suspect') {
    const s = issues.suspect?.ranked.find((x) => x.id === id);
    if (!s) return null;
    return `${id}: labelled ${s.labels.join(', ')}; the model finds "${s.label}" least likely (self-confidence ${num(s.self_confidence)}) and prefers "${s.predicted}" (${num(s.predicted_score)})${s.flagged ? '; flagged by confident learning' : ''}.`;
  }
  const pairs = issues.duplicates.pairs.filter((p) => p.a === id || p.b === id);
  if (!pairs.length) return null;
  return `${id}: ${pairs.map((p) => `${p.a === id ? p.b : p.a} (cosine ${num(p.cosine)}${p.different_labels ? ', different labels' : ''})`).join('; ')}.`;
}
