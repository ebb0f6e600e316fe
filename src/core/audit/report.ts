// Builds the trust report of a folder from its sidecars: per classifier and checkpoint, hallucination
// (Wilson intervals), confidence inflation, flags, review outcomes; zero-shot/VLM agreement (Cohen's
// kappa); suspect labels; optionally near duplicates (given embeddings) and the description probe.
import type { AuditEntry, ClassifierKind, Prediction, Review, Sidecar } from '../types';
import { NONE_LABEL, Z95, cohenKappa, confusionFromCells } from './stats';
import type { NearDuplicates } from './labelIssues';
import type { ProbeResult } from './probe';
import { topCategory } from './sampling';
import {
  confidenceSection,
  flagSection,
  hallucinationSection,
  reviewSection,
  suspectSection,
} from './reportSections';
import { REPORT_SCHEMA, REPORT_VERSION, type AgreementReport, type GroupReport, type TrustReport } from './reportTypes';

export interface ReportImage {
  relPath: string;
  sidecar: Sidecar | null;
  sidecarError?: string;
}

export interface ReportOptions {
  folder?: string;
  now?: string;
  /** How many suspect labels to list per zero-shot checkpoint (all are counted). Default 20. */
  suspectLimit?: number;
  /** Near duplicates found from the embeddings (classifiers/similarity). Leave out to skip that section. */
  duplicates?: NearDuplicates;
  /** A description-ignored probe result to include. */
  probe?: ProbeResult;
}

const KINDS: ClassifierKind[] = ['zero-shot', 'vlm'];
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface GroupAcc {
  classifier: ClassifierKind;
  checkpoint: string;
  preds: { relPath: string; prediction: Prediction; review: Review }[];
  entries: { relPath: string; entry: AuditEntry }[];
  order: string[];
}

function addOrder(order: string[], names: Iterable<string>) {
  for (const n of names) if (!order.includes(n)) order.push(n);
}

export function buildReport(images: readonly ReportImage[], opts: ReportOptions = {}): TrustReport {
  const groups = new Map<string, GroupAcc>();
  const group = (classifier: ClassifierKind, checkpoint: string) => {
    const key = `${classifier}\u0000${checkpoint}`;
    if (!groups.has(key)) groups.set(key, { classifier, checkpoint, preds: [], entries: [], order: [] });
    return groups.get(key)!;
  };
  const warnings: string[] = [];
  let withSidecar = 0;
  let corrupt = 0;
  for (const img of images) {
    if (img.sidecarError) {
      corrupt++;
      warnings.push(`${img.relPath}: ${img.sidecarError}`);
    }
    const sc = img.sidecar;
    if (!sc) continue;
    withSidecar++;
    for (const kind of KINDS) {
      const p = sc.predictions[kind];
      if (!p) continue;
      const g = group(kind, p.checkpoint);
      g.preds.push({ relPath: img.relPath, prediction: p, review: sc.review });
      addOrder(g.order, Object.keys(p.category_scores ?? {}));
    }
    for (const entry of sc.audit) group(entry.classifier, entry.checkpoint).entries.push({ relPath: img.relPath, entry });
  }
  const suspectLimit = opts.suspectLimit ?? 20;
  const out: GroupReport[] = [...groups.values()]
    .sort((a, b) => KINDS.indexOf(a.classifier) - KINDS.indexOf(b.classifier) || cmp(a.checkpoint, b.checkpoint))
    .map((g) => {
      const preds = g.preds.map((x) => x.prediction);
      const rep: GroupReport = {
        classifier: g.classifier,
        checkpoint: g.checkpoint,
        prompt_versions: [...new Set([...preds, ...g.entries.map((x) => x.entry)].map((x) => x.prompt_version).filter((v): v is string => !!v))].sort(),
        predictions: preds.length,
        hallucination: hallucinationSection(g.entries, g.order),
        confidence: confidenceSection(preds),
        flags: flagSection(preds),
        review: reviewSection(g.preds, g.order),
        warnings: [],
      };
      if (g.classifier === 'zero-shot') rep.suspect_labels = suspectSection(g.preds, suspectLimit);
      rep.warnings = groupWarnings(rep);
      return rep;
    });
  const report: TrustReport = {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    generated_at: opts.now ?? new Date().toISOString(),
    folder: opts.folder ?? '',
    z: Z95,
    images: { total: images.length, with_sidecar: withSidecar, corrupt },
    groups: out,
    agreement: agreement(images),
    warnings,
  };
  if (opts.duplicates) {
    const { threshold, pairs, clusters, search } = opts.duplicates;
    report.near_duplicates = { threshold, pairs, different_labels: pairs.filter((p) => p.different_labels).length, clusters, ...(search && { search }) };
  }
  if (opts.probe) {
    report.description_probe = opts.probe;
    if (opts.probe.warning) report.warnings.push(opts.probe.warning);
  }
  return report;
}

function groupWarnings(g: GroupReport): string[] {
  const w: string[] = [];
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  if (g.confidence.high_warning) {
    w.push(`Confidence inflation: ${pct(g.confidence.shares.high!)} of predicted categories are "high" (healthy is about 30%; warning above 60%).`);
  }
  const f = g.flags.forced_classification;
  if (f.k > 0) w.push(`Forced classification in ${f.k} of ${f.n} predictions (${pct(f.rate!)}).`);
  if (g.hallucination.judged === 0 && g.predictions > 0) w.push('No audited verdicts yet: draw a sample (image-triage audit sample) and mark it.');
  return w;
}

/** Cohen's kappa of zero-shot against VLM top labels, per pair of checkpoints. */
function agreement(images: readonly ReportImage[]): AgreementReport[] {
  const pairs = new Map<string, { zs: string; vlm: string; cells: [string, string][]; order: string[] }>();
  for (const img of images) {
    const zs = img.sidecar?.predictions['zero-shot'];
    const vlm = img.sidecar?.predictions.vlm;
    if (!zs || !vlm) continue;
    const key = `${zs.checkpoint}\u0000${vlm.checkpoint}`;
    if (!pairs.has(key)) pairs.set(key, { zs: zs.checkpoint, vlm: vlm.checkpoint, cells: [], order: [] });
    const p = pairs.get(key)!;
    addOrder(p.order, Object.keys(zs.category_scores ?? {}));
    p.cells.push([topCategory(zs)?.name ?? NONE_LABEL, topCategory(vlm)?.name ?? NONE_LABEL]);
  }
  return [...pairs.values()]
    .sort((a, b) => cmp(a.zs, b.zs) || cmp(a.vlm, b.vlm))
    .map((p) => ({
      zero_shot_checkpoint: p.zs,
      vlm_checkpoint: p.vlm,
      n: p.cells.length,
      kappa: cohenKappa(p.cells),
      matrix: confusionFromCells(p.cells, p.order),
    }));
}
