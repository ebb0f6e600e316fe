// Shared data shapes of Image Triage. Pure types: no imports from vscode, classifiers or Node I/O.
// Everything here is serialised into sidecars or sent across the webview protocol, so it is plain JSON.
import type { CardThresholds, CardThresholdsOverride } from './cardThresholds';

export type Mode = 'single_label' | 'multi_label';
export type Confidence = 'high' | 'medium' | 'low';
export type ClassifierKind = 'zero-shot' | 'vlm';

export interface Category {
  name: string;
  description: string;
}

/** A validated categories file. */
export interface CategorySet {
  mode: Mode;
  categories: Category[];
  /** Prompt templates with {name} and/or {description} placeholders (zero-shot only). */
  templates: string[];
  /** Card-mapping thresholds given by the categories file (zero-shot only); defaults otherwise. */
  thresholds?: CardThresholdsOverride;
}

/** One category chosen for an image, in the routing card's shape. */
export interface PredictedCategory {
  name: string;
  /** Integer 1..5: 5 clearly fits, 1 clearly does not. */
  score: number;
  confidence: Confidence;
  /** Short, true statement of what supports the choice. Zero-shot never invents visual claims. */
  visual_evidence: string;
}

/** The routing card: what every classifier returns for one image. */
export interface RoutingCard {
  predicted_categories: PredictedCategory[];
  fits_any: boolean;
  /** 1..5 for every category of the set. */
  category_scores: Record<string, number>;
  /** A category name, or 'review' when nothing fits or confidence is low. */
  would_route_to: string;
  /** One sentence, at most 30 words. */
  decision_basis: string;
}

export const ROUTE_REVIEW = 'review';

/** Zero-shot specifics kept next to the card. These scores are NOT calibrated probabilities. */
export interface ZeroShotDetails {
  /** 'softmax' for CLIP (sums to 1 over the categories), 'sigmoid' for SigLIP (independent per category). */
  score_kind: 'softmax' | 'sigmoid';
  /** Raw model scores per category (softmax or sigmoid), in [0,1]. Only comparable within one checkpoint. */
  scores: Record<string, number>;
  /** Cosine similarity of the image embedding with each category's ensembled text embedding. */
  cosines: Record<string, number>;
  /** Up to five categories, best first. */
  top5: { name: string; score: number; cosine: number }[];
  /** Templates used for prompt ensembling. */
  templates: string[];
  /** The single filled template closest to the image, per predicted category. */
  closest_prompt?: Record<string, string>;
  logit_scale: number;
  logit_bias?: number;
  /** Where scale and bias came from: clip-default, known-checkpoint, flags, setting or joint-model. */
  logit_source?: string;
  /** Which mapping turned the scores into this card, and with which thresholds. */
  card_mapping?: CardMapping;
}

export interface CardMapping {
  /** 'softmax-v1' (CLIP) or 'sigmoid-logit-v1' (SigLIP). */
  id: string;
  /** 'default', or 'categories file' when the file's "thresholds" changed any value. */
  source: 'default' | 'categories file';
  thresholds: CardThresholds['softmax'] | CardThresholds['sigmoid'];
}

/** A flag raised while validating or repairing a VLM answer (see issue: VLM failure modes). */
export interface PredictionFlag {
  kind:
    | 'invalid_json'
    | 'repaired_json'
    | 'unknown_category'
    | 'missing_category'
    | 'bad_score'
    | 'single_label_split'
    | 'forced_classification'
    | 'inconsistent_fits_any'
    | 'inconsistent_confidence'
    | 'inconsistent_route'
    | 'basis_truncated'
    | 'evidence_missing'
    | string;
  detail: string;
}

/** Tokens the VLM server reported for the requests behind one prediction (absent: not reported). */
export interface PredictionUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

/** One classifier's prediction for one image, as stored in the sidecar. */
export interface Prediction extends RoutingCard {
  classifier: ClassifierKind;
  /** Model id or local directory that produced the scores. Always shown next to any score. */
  checkpoint: string;
  revision: string;
  dtype: string;
  /** Where the scores were computed (zero-shot: the ONNX Runtime device, e.g. cpu, cuda, coreml). */
  device?: string;
  /** Hash of the category set (names, descriptions, mode, templates) the prediction was made against. */
  categories_hash: string;
  mode: Mode;
  /** ISO time. */
  created_at: string;
  /** sha256 of the image bytes the prediction was made from. */
  image_sha256: string;
  warnings: string[];
  flags?: PredictionFlag[];
  /** VLM prompt version. */
  prompt_version?: string;
  /** VLM: tokens the server reported for this prediction's requests. */
  usage?: PredictionUsage;
  /** VLM asked by a cascade: the zero-shot result it followed (fingerprint) and the rule that sent it. */
  cascade?: { zero_shot: string; when: string };
  zero_shot?: ZeroShotDetails;
  /** Set when a linear adapter fitted on human labels produced the scores (image-triage adapt). */
  adapter?: AdapterInfo;
}

export interface AdapterInfo {
  base_checkpoint: string;
  hash: string;
  /** Human labels it was fitted on. */
  labels: number;
  method: string;
  /** k-fold cross-validated accuracy on the same labels: adapter and plain zero-shot. */
  cv_accuracy: number;
  zero_shot_accuracy: number;
  folds: number;
  created_at: string;
}

/** A failure to classify one image with one classifier. Never a fabricated prediction. */
export interface PredictionError {
  classifier: ClassifierKind;
  checkpoint: string;
  message: string;
  at: string;
}

export type ReviewStatus = 'pending' | 'accepted' | 'overridden' | 'rejected' | 'stale' | 'auto-accepted';
export type ReviewAction = 'accept' | 'label' | 'reject' | 'stale' | 'undo' | 'restore' | 'auto-accept';

/** Why a machine accepted a prediction: the certified threshold and the audit behind it. */
export interface AutoAcceptProvenance {
  run_id: string;
  /** The top-1 score of this image (raw zero-shot score, or the VLM card score 1..5). */
  score: number;
  threshold: number;
  max_error: number;
  /** One-sided 95% Clopper–Pearson upper bound of the category error rate at and above the threshold. */
  upper_bound: number;
  method: string;
  sample_id: string;
  sample_size: number;
  errors: number;
}

export interface ReviewEvent {
  action: ReviewAction;
  status: ReviewStatus;
  labels: string[];
  by: string;
  at: string;
  note?: string;
  /** Why the status changed when the system changed it (e.g. stale). */
  reason?: string;
}

export interface Review {
  status: ReviewStatus;
  /** Final human labels. Empty for pending, and for rejected ("none of these"). */
  labels: string[];
  by?: string;
  at?: string;
  note?: string;
  /** What the reviewer saw: the classifier and its predicted labels at decision time. */
  based_on?: { classifier: ClassifierKind; labels: string[]; categories_hash: string; checkpoint: string };
  /** Set only on 'auto-accepted' reviews. */
  auto?: AutoAcceptProvenance;
  history: ReviewEvent[];
}

export type AuditVerdict = 'accurate' | 'partly' | 'hallucinated' | 'skip';

export interface AuditEntry {
  /** 'awaiting' once sampled; 'done' when a verdict is recorded. */
  status: 'awaiting' | 'done';
  sample_id: string;
  seed?: number;
  sampled_at: string;
  classifier: ClassifierKind;
  checkpoint: string;
  prompt_version?: string;
  predicted_labels: string[];
  confidence?: Confidence;
  verdict?: AuditVerdict;
  /** Set on units of a certification sample (see core/certify). */
  certify?: { threshold: number; score: number; categories_hash: string };
  category_correct?: boolean;
  correct_category?: string;
  note?: string;
  by?: string;
  at?: string;
}

export const SIDECAR_SCHEMA = 'image-triage/sidecar';
export const SIDECAR_VERSION = 1;
export const SIDECAR_SUFFIX = '.labels.json';

/** `<image file name>.labels.json`, next to each image. Unknown fields are preserved on write. */
export interface Sidecar {
  schema: typeof SIDECAR_SCHEMA;
  version: number;
  image: { name: string; sha256: string; size: number; width?: number; height?: number };
  predictions: Partial<Record<ClassifierKind, Prediction>>;
  errors: Partial<Record<ClassifierKind, PredictionError>>;
  review: Review;
  audit: AuditEntry[];
  [extra: string]: unknown;
}
