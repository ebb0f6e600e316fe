// The trust report's JSON shape. Every number shown in the Markdown or HTML rendering is here, as a
// number: rates with their Wilson interval bounds (rate, lower, upper), n and k.
import type { ClassifierKind, Confidence } from '../types';
import type { ConfusionMatrix, Kappa, Proportion } from './stats';
import type { DuplicatePair, DuplicateSearchMethod, SuspectLabel } from './labelIssues';
import type { ProbeResult } from './probe';

export const REPORT_SCHEMA = 'image-triage/trust-report';
export const REPORT_VERSION = 1;

/** The routing card's healthy confidence mix. */
export const HEALTHY_CONFIDENCE: Readonly<Record<Confidence, number>> = { high: 0.3, medium: 0.5, low: 0.2 };
/** Warn about confidence inflation above this share of 'high'. */
export const HIGH_CONFIDENCE_WARN = 0.6;

export interface VerdictCounts {
  accurate: number;
  partly: number;
  hallucinated: number;
  skip: number;
}

export interface CategoryHallucination {
  category: string;
  verdicts: VerdictCounts;
  hallucinated: Proportion;
  partly: Proportion;
}

export interface HallucinationSection {
  /** Latest done verdict per image (skips included). */
  audited: number;
  /** Audited minus skipped: the denominator of every rate here. */
  judged: number;
  /** Units sampled and still awaiting a verdict. */
  awaiting: number;
  verdicts: VerdictCounts;
  hallucinated: Proportion;
  partly: Proportion;
  accurate: Proportion;
  /** Over judged verdicts that said whether the category was right. */
  category_wrong: Proportion;
  per_category: CategoryHallucination[];
}

export interface ConfidenceSection {
  /** Over every predicted category of every prediction. */
  total: number;
  counts: Record<Confidence, number>;
  shares: Record<Confidence, number | null>;
  healthy: Record<Confidence, number>;
  high_warning: boolean;
}

export interface FlagCount {
  kind: string;
  /** Predictions with at least one flag of this kind. */
  images: number;
  occurrences: number;
  /** images / predictions. */
  rate: number | null;
}

export interface FlagSection {
  predictions: number;
  forced_classification: Proportion;
  kinds: FlagCount[];
}

export interface CategoryReviewOutcome {
  /** A predicted category the reviewer saw, or '(none)'. */
  category: string;
  n: number;
  accepted: Proportion;
  overridden: Proportion;
  rejected: Proportion;
}

export interface ReviewSection {
  /** Decided reviews (accepted, overridden, rejected) of images that have this prediction. */
  decided: number;
  /** Auto-accepted at a certified threshold: machine decisions, never counted as human labels. */
  auto_accepted: number;
  /** Reviews decided while looking at this classifier and checkpoint, per predicted category. */
  per_category: CategoryReviewOutcome[];
  confusion: ConfusionMatrix;
  /** Predicted label set equals the human label set. */
  accuracy: Proportion;
}

export interface SuspectSection {
  /** Labelled images with zero-shot scores for their labels. */
  checked: number;
  flagged: number;
  thresholds: Record<string, number>;
  /** Lowest self-confidence first; `id` is the image's relPath. */
  ranked: SuspectLabel[];
}

export interface GroupReport {
  classifier: ClassifierKind;
  checkpoint: string;
  prompt_versions: string[];
  /** Current predictions by this classifier and checkpoint. */
  predictions: number;
  hallucination: HallucinationSection;
  confidence: ConfidenceSection;
  flags: FlagSection;
  review: ReviewSection;
  /** Zero-shot only: suspect human labels by self-confidence. */
  suspect_labels?: SuspectSection;
  warnings: string[];
}

export interface AgreementReport {
  zero_shot_checkpoint: string;
  vlm_checkpoint: string;
  /** Images with both predictions; each compared on its top label or '(none)'. */
  n: number;
  kappa: Kappa;
  /** Rows: zero-shot; columns: VLM. */
  matrix: ConfusionMatrix;
}

export interface TrustReport {
  schema: typeof REPORT_SCHEMA;
  version: number;
  generated_at: string;
  folder: string;
  z: number;
  images: { total: number; with_sidecar: number; corrupt: number };
  groups: GroupReport[];
  agreement: AgreementReport[];
  /** clusters: images joined by chains of pairs (union-find), largest first. */
  near_duplicates?: { threshold: number; pairs: DuplicatePair[]; different_labels: number; clusters: string[][]; search?: DuplicateSearchMethod };
  description_probe?: ProbeResult;
  warnings: string[];
}
