// The data the review panel's audit view, trust dashboard and label-issue filters receive from the
// host. Plain JSON; shared by the host and the webview. Pure types: no runtime code.
import type { AuditVerdict, ClassifierKind } from '../core/types';
import type { TrustReport } from '../core/audit/reportTypes';
import type { EvalReport } from '../core/eval/evaluate';
import type { DuplicatePair, SuspectLabel } from '../core/audit/labelIssues';

/** One sampled prediction to audit: an image and the classifier whose prediction is judged. */
export interface AuditItem {
  id: string;
  classifier: ClassifierKind;
  /** The sample whose entry this unit completes (the drawn one, or an earlier one it was awaiting in). */
  sampleId: string;
  /** 'missing': the sidecar or its audit entry is gone (deleted, corrupt, or edited elsewhere). */
  status: 'awaiting' | 'done' | 'missing';
  verdict?: AuditVerdict;
  categoryCorrect?: boolean;
  correctCategory?: string;
  note?: string;
  by?: string;
  at?: string;
}

export interface AuditState {
  sampleId: string;
  /** The seed the sample was drawn with (null when the sidecars do not say). */
  seed: number | null;
  /** Predictions the sample was drawn from (null when resumed from the sidecars). */
  population: number | null;
  items: AuditItem[];
  /** Items with a recorded verdict (skips included). */
  done: number;
}

export interface DashboardChart {
  title: string;
  /** SVG markup from src/core/audit/charts.ts: every label in it is XML-escaped. */
  svg: string;
}

export interface DashboardData {
  report: TrustReport;
  charts: { groups: DashboardChart[][]; agreement: DashboardChart[] };
  /** The evaluation against folder-name truth (`image-triage eval`), when the folder has it; else null. */
  evaluation?: { report: EvalReport; charts: DashboardChart[][] } | null;
}

export interface LabelIssues {
  /** Suspect human labels of the folder's most used zero-shot checkpoint (null: no zero-shot predictions). */
  suspect: { checkpoint: string; checked: number; flagged: number; ranked: SuspectLabel[] } | null;
  duplicates: {
    /** Zero-shot checkpoint whose cached image embeddings were compared (null: none). */
    checkpoint: string | null;
    threshold: number;
    /** Images with a cached embedding. */
    embedded: number;
    pairs: DuplicatePair[];
    /** Images joined by chains of pairs (union-find), largest first. */
    clusters: string[][];
    differentLabels: number;
  };
}
