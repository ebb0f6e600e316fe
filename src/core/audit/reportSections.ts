// The trust report's per-classifier sections, each computed from plain sidecar data.
import type { AuditEntry, Confidence, Prediction, Review } from '../types';
import { predictedLabels } from '../sidecar';
import { NONE_LABEL, accuracy, confusionMatrix, wilson, type LabelPair } from './stats';
import { suspectLabels } from './labelIssues';
import {
  HEALTHY_CONFIDENCE,
  HIGH_CONFIDENCE_WARN,
  type CategoryReviewOutcome,
  type ConfidenceSection,
  type FlagSection,
  type HallucinationSection,
  type ReviewSection,
  type SuspectSection,
  type VerdictCounts,
} from './reportTypes';

export const DECIDED_STATUSES: readonly Review['status'][] = ['accepted', 'overridden', 'rejected'];
export const FORCED_CLASSIFICATION = 'forced_classification';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Orders categories: `order` first (the category set's order), then the rest by name, '(none)' last. */
export function orderCategories(names: Iterable<string>, order: readonly string[]): string[] {
  const set = new Set(names);
  const rest = [...set].filter((n) => !order.includes(n) && n !== NONE_LABEL).sort(cmp);
  return [...order.filter((n) => set.has(n)), ...rest, ...(set.has(NONE_LABEL) ? [NONE_LABEL] : [])];
}

const zeroVerdicts = (): VerdictCounts => ({ accurate: 0, partly: 0, hallucinated: 0, skip: 0 });

/**
 * Hallucination from audit entries of one classifier and checkpoint. Per image only the latest done
 * entry counts (a re-audit replaces the earlier verdict). 'skip' is left out of every denominator;
 * 'partly' is its own rate. Per category, an entry counts for each of its predicted labels.
 */
export function hallucinationSection(entries: readonly { relPath: string; entry: AuditEntry }[], order: readonly string[]): HallucinationSection {
  const latest = new Map<string, AuditEntry>();
  let awaiting = 0;
  for (const { relPath, entry } of entries) {
    if (entry.status === 'awaiting') awaiting++;
    else if (entry.verdict || entry.category_correct !== undefined) {
      const prev = latest.get(relPath);
      if (!prev || (entry.at ?? '') >= (prev.at ?? '')) latest.set(relPath, entry);
    }
  }
  const verdicts = zeroVerdicts();
  const perCat = new Map<string, VerdictCounts>();
  let catKnown = 0;
  let catWrong = 0;
  for (const e of latest.values()) {
    // A category-only verdict (zero-shot, e.g. a certification unit) counts for category_wrong only.
    if (e.verdict) {
      verdicts[e.verdict]++;
      const cats = e.predicted_labels.length ? e.predicted_labels : [NONE_LABEL];
      for (const c of new Set(cats)) {
        if (!perCat.has(c)) perCat.set(c, zeroVerdicts());
        perCat.get(c)![e.verdict]++;
      }
    }
    if (e.verdict !== 'skip' && e.category_correct !== undefined) {
      catKnown++;
      if (!e.category_correct) catWrong++;
    }
  }
  const judged = (v: VerdictCounts) => v.accurate + v.partly + v.hallucinated;
  const n = judged(verdicts);
  return {
    audited: [...latest.values()].filter((e) => e.verdict).length,
    judged: n,
    awaiting,
    verdicts,
    hallucinated: wilson(verdicts.hallucinated, n),
    partly: wilson(verdicts.partly, n),
    accurate: wilson(verdicts.accurate, n),
    category_wrong: wilson(catWrong, catKnown),
    per_category: orderCategories(perCat.keys(), order).map((category) => {
      const v = perCat.get(category)!;
      return { category, verdicts: v, hallucinated: wilson(v.hallucinated, judged(v)), partly: wilson(v.partly, judged(v)) };
    }),
  };
}

/** Confidence mix over every predicted category, against the card's healthy 30/50/20. */
export function confidenceSection(preds: readonly Prediction[]): ConfidenceSection {
  const counts: Record<Confidence, number> = { high: 0, medium: 0, low: 0 };
  for (const p of preds) for (const c of p.predicted_categories) if (c.confidence in counts) counts[c.confidence]++;
  const total = counts.high + counts.medium + counts.low;
  const share = (x: number) => (total ? x / total : null);
  const shares = { high: share(counts.high), medium: share(counts.medium), low: share(counts.low) };
  return { total, counts, shares, healthy: { ...HEALTHY_CONFIDENCE }, high_warning: shares.high !== null && shares.high > HIGH_CONFIDENCE_WARN };
}

/** Forced-classification rate and every flag kind, counted per prediction and per occurrence. */
export function flagSection(preds: readonly Prediction[]): FlagSection {
  const images = new Map<string, number>();
  const occurrences = new Map<string, number>();
  for (const p of preds) {
    const kinds = new Set<string>();
    for (const f of p.flags ?? []) {
      occurrences.set(f.kind, (occurrences.get(f.kind) ?? 0) + 1);
      kinds.add(f.kind);
    }
    for (const k of kinds) images.set(k, (images.get(k) ?? 0) + 1);
  }
  const n = preds.length;
  return {
    predictions: n,
    forced_classification: wilson(images.get(FORCED_CLASSIFICATION) ?? 0, n),
    kinds: [...images]
      .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
      .map(([kind, count]) => ({ kind, images: count, occurrences: occurrences.get(kind)!, rate: n ? count / n : null })),
  };
}

export interface ReviewedImage {
  prediction: Prediction;
  review: Review;
}

/**
 * Review outcomes for one classifier and checkpoint. Acceptance and override rates use only reviews
 * decided while looking at this classifier and checkpoint (review.based_on), per category the
 * reviewer saw. Confusion and accuracy use every decided review of an image with this prediction:
 * the human labels are the truth whichever prediction the reviewer looked at.
 */
export function reviewSection(items: readonly ReviewedImage[], order: readonly string[]): ReviewSection {
  const decided = items.filter((x) => DECIDED_STATUSES.includes(x.review.status));
  const pairs: LabelPair[] = decided.map((x) => ({ predicted: predictedLabels(x.prediction), actual: x.review.labels }));
  const outcomes = new Map<string, { n: number; accepted: number; overridden: number; rejected: number }>();
  for (const { prediction: p, review: r } of decided) {
    const b = r.based_on;
    if (!b || b.classifier !== p.classifier || b.checkpoint !== p.checkpoint) continue;
    for (const c of new Set(b.labels.length ? b.labels : [NONE_LABEL])) {
      if (!outcomes.has(c)) outcomes.set(c, { n: 0, accepted: 0, overridden: 0, rejected: 0 });
      const o = outcomes.get(c)!;
      o.n++;
      o[r.status as 'accepted' | 'overridden' | 'rejected']++;
    }
  }
  const perCategory: CategoryReviewOutcome[] = orderCategories(outcomes.keys(), order).map((category) => {
    const o = outcomes.get(category)!;
    return { category, n: o.n, accepted: wilson(o.accepted, o.n), overridden: wilson(o.overridden, o.n), rejected: wilson(o.rejected, o.n) };
  });
  const autoAccepted = items.filter((x) => x.review.status === 'auto-accepted').length;
  return { decided: decided.length, auto_accepted: autoAccepted, per_category: perCategory, confusion: confusionMatrix(pairs, order), accuracy: accuracy(pairs) };
}

/** Suspect labels of accepted/overridden images from one zero-shot checkpoint's raw scores. */
export function suspectSection(items: readonly { relPath: string; prediction: Prediction; review: Review }[], limit: number): SuspectSection {
  const input = items
    .filter((x) => (x.review.status === 'accepted' || x.review.status === 'overridden') && x.review.labels.length && x.prediction.zero_shot)
    .map((x) => ({ id: x.relPath, labels: x.review.labels, scores: x.prediction.zero_shot!.scores }));
  const r = suspectLabels(input, { limit });
  return { checked: r.checked, flagged: r.flagged, thresholds: r.thresholds, ranked: r.ranked };
}
