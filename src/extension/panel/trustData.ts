// What the panel's trust dashboard and label-issue filters show, computed on the host from the
// session's sidecars with the core report (buildReport) and the zero-shot embedding cache (read
// without loading a model). Pure Node (no vscode): unit tested.
import { buildReport, type ReportImage } from '../../core/audit/report';
import { reportCharts } from '../../core/audit/reportCharts';
import { DEFAULT_DUPLICATE_THRESHOLD, nearDuplicates } from '../../core/audit/labelIssues';
import { DECIDED_STATUSES } from '../../core/audit/reportSections';
import type { TrustReport } from '../../core/audit/reportTypes';
import { folderEmbeddings, type EmbeddingKey } from '../../classifiers/zeroShot/embeddingCache';
import type { DashboardData, LabelIssues } from '../../shared/auditData';
import type { SessionImage } from './reviewSession';

/**
 * Near duplicates compare every pair (O(n²·d)) on the extension host's thread: above this many
 * embedded images the panel leaves them to `image-triage report --duplicates`.
 */
export const DUPLICATE_LIMIT = 3000;

export interface TrustInputs {
  images: ReportImage[];
  embeddings: { key: EmbeddingKey | null; byRelPath: Map<string, Float32Array> };
}

export async function trustInputs(all: readonly SessionImage[], embeddingsDir: string): Promise<TrustInputs> {
  const images = [...all]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((i) => ({ relPath: i.id, sidecar: i.sidecar, ...(i.sidecarError ? { sidecarError: i.sidecarError } : {}) }));
  return { images, embeddings: await folderEmbeddings(images, embeddingsDir) };
}

const withinLimit = (t: TrustInputs) => t.embeddings.byRelPath.size > 1 && t.embeddings.byRelPath.size <= DUPLICATE_LIMIT;

/** The folder's trust report; near duplicates included when embeddings are cached (and few enough). */
export function trustReport(t: TrustInputs, folder: string, now?: string): TrustReport {
  return buildReport(t.images, { folder, now, ...(withinLimit(t) ? { embeddings: t.embeddings.byRelPath } : {}) });
}

/** The report and its SVG charts (inline flavour: they take the page's text colour). */
export function dashboardData(report: TrustReport): DashboardData {
  const charts = reportCharts(report, { standalone: false });
  const strip = (c: { title: string; svg: string }) => ({ title: c.title, svg: c.svg });
  return { report, charts: { groups: charts.groups.map((g) => g.map(strip)), agreement: charts.agreement.map(strip) } };
}

/**
 * Label issues for the panel's filters. Suspect labels: decided human labels that the most used
 * zero-shot checkpoint scores below another category (or that confident learning flags), least
 * likely first. Near duplicates: image pairs whose cached embeddings have a cosine of at least the
 * threshold; a pair with different human labels is marked.
 */
export function labelIssues(t: TrustInputs, threshold = DEFAULT_DUPLICATE_THRESHOLD): LabelIssues {
  const report = buildReport(t.images, { suspectLimit: Number.POSITIVE_INFINITY });
  const zs = report.groups.filter((g) => g.classifier === 'zero-shot' && g.suspect_labels).sort((a, b) => b.predictions - a.predictions)[0];
  const s = zs?.suspect_labels;
  const suspect = s
    ? { checkpoint: zs.checkpoint, checked: s.checked, flagged: s.flagged, ranked: s.ranked.filter((x) => x.flagged || !x.labels.includes(x.predicted)) }
    : null;
  const byRel = new Map(t.images.map((i) => [i.relPath, i]));
  const items = [...t.embeddings.byRelPath].map(([id, embedding]) => {
    const r = byRel.get(id)?.sidecar?.review;
    return { id, embedding, labels: r && DECIDED_STATUSES.includes(r.status) ? r.labels : null };
  });
  const pairs = withinLimit(t) ? nearDuplicates(items, threshold) : [];
  return {
    suspect,
    duplicates: {
      checkpoint: t.embeddings.key?.model ?? null,
      threshold,
      embedded: items.length,
      ...(items.length > DUPLICATE_LIMIT ? { limit: DUPLICATE_LIMIT } : {}),
      pairs,
      differentLabels: pairs.filter((p) => p.different_labels).length,
    },
  };
}
