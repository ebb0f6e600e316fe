// What the panel's trust dashboard and label-issue filters show, computed on the host from the
// session's sidecars with the core report (buildReport) and the zero-shot embedding cache (read
// without loading a model). Pure Node (no vscode): unit tested.
import { buildReport, type ReportImage } from '../../core/audit/report';
import { reportCharts } from '../../core/audit/reportCharts';
import { DEFAULT_DUPLICATE_THRESHOLD, type NearDuplicates } from '../../core/audit/labelIssues';
import { folderNearDuplicates } from '../../classifiers/similarity/nearDuplicates';
import type { TrustReport } from '../../core/audit/reportTypes';
import { folderMatrix, type FolderMatrix } from '../../classifiers/zeroShot/folderEmbeddings';
import type { DashboardData, LabelIssues } from '../../shared/auditData';
import { evaluate } from '../../core/eval/evaluate';
import { groupCharts } from '../../core/eval/render';
import type { SessionImage } from './reviewSession';

export interface TrustInputs {
  images: ReportImage[];
  /** The cached embeddings of the folder's most used zero-shot checkpoint (only its images' rows). */
  embeddings: FolderMatrix;
}

export async function trustInputs(all: readonly SessionImage[], embeddingsDir: string): Promise<TrustInputs> {
  const images = [...all]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((i) => ({ relPath: i.id, sidecar: i.sidecar, ...(i.sidecarError ? { sidecarError: i.sidecarError } : {}) }));
  return { images, embeddings: await folderMatrix(images, embeddingsDir) };
}

/**
 * Near duplicates of the folder at any size: the same search as `report --duplicates`, in a
 * worker thread, so the extension host never blocks.
 */
export function duplicatesOf(t: TrustInputs, threshold = DEFAULT_DUPLICATE_THRESHOLD, signal?: AbortSignal): Promise<NearDuplicates & { seconds: number }> {
  return folderNearDuplicates(t.images, t.embeddings, threshold, { signal });
}

/** The folder's trust report; near duplicates included when embeddings are cached. */
export async function trustReport(t: TrustInputs, folder: string, now?: string): Promise<TrustReport> {
  const duplicates = t.embeddings.ids.length > 1 ? await duplicatesOf(t) : undefined;
  return buildReport(t.images, { folder, now, duplicates });
}

/** The report and its SVG charts (inline flavour: they take the page's text colour), and the evaluation. */
export function dashboardData(report: TrustReport, t?: TrustInputs): DashboardData {
  const charts = reportCharts(report, { standalone: false });
  const strip = (c: { title: string; svg: string }) => ({ title: c.title, svg: c.svg });
  return { report, charts: { groups: charts.groups.map((g) => g.map(strip)), agreement: charts.agreement.map(strip) }, evaluation: t ? evaluationData(t, report.folder) : null };
}

/** `image-triage eval` against the parent folder names, when any image's folder names a category. */
export function evaluationData(t: Pick<TrustInputs, 'images'>, folder: string): DashboardData['evaluation'] {
  const ev = evaluate(t.images, { folder, truth: 'folders' });
  if (!ev.groups.some((g) => g.n > 0)) return null;
  return { report: ev, charts: ev.groups.map((g) => groupCharts(g, { standalone: false })) };
}

/**
 * Label issues for the panel's filters. Suspect labels: decided human labels that the most used
 * zero-shot checkpoint scores below another category (or that confident learning flags), least
 * likely first. Near duplicates: image pairs whose cached embeddings have a cosine of at least the
 * threshold; a pair with different human labels is marked.
 */
export async function labelIssues(t: TrustInputs, threshold = DEFAULT_DUPLICATE_THRESHOLD): Promise<LabelIssues> {
  const report = buildReport(t.images, { suspectLimit: Number.POSITIVE_INFINITY });
  const zs = report.groups.filter((g) => g.classifier === 'zero-shot' && g.suspect_labels).sort((a, b) => b.predictions - a.predictions)[0];
  const s = zs?.suspect_labels;
  const suspect = s
    ? { checkpoint: zs.checkpoint, checked: s.checked, flagged: s.flagged, ranked: s.ranked.filter((x) => x.flagged || !x.labels.includes(x.predicted)) }
    : null;
  const d = t.embeddings.ids.length > 1 ? await duplicatesOf(t, threshold) : { pairs: [], clusters: [] };
  const pairs = d.pairs;
  return {
    suspect,
    duplicates: {
      checkpoint: t.embeddings.key?.model ?? null,
      threshold,
      embedded: t.embeddings.ids.length,
      pairs,
      clusters: d.clusters,
      differentLabels: pairs.filter((p) => p.different_labels).length,
    },
  };
}
