// "Description ignored" probe: given a classifier's predictions on a small sample with the original
// category descriptions, with names only, and with the descriptions shuffled across the names, how
// often do the predictions change? A classifier that follows descriptions changes its answer when the
// descriptions move to other names; one that matches on names alone does not. Pure math: re-running
// the classifier is someone else's job.
import { wilson, type Proportion } from './stats';

export interface ProbeRecord {
  id: string;
  /** Predicted labels with the original descriptions. */
  original: readonly string[];
  /** Predicted labels with the descriptions removed (names only). */
  namesOnly?: readonly string[];
  /** Predicted labels with the descriptions shuffled across the names. */
  shuffled?: readonly string[];
}

/**
 * Warn when the shuffled-descriptions change rate is below this. Shuffling gives every name another
 * category's description, so a model that reads descriptions should change most answers whose
 * category's description moved; if fewer than 1 in 5 change, the descriptions carry little weight.
 */
export const DESCRIPTION_IGNORED_THRESHOLD = 0.2;
/** Below this many shuffled records the warning says the sample is too small to be sure. */
export const PROBE_MIN_SAMPLE = 20;

export interface ProbeResult {
  n: number;
  /** Share of records whose prediction changed with names only. */
  names_only_changed: Proportion;
  /** Share of records whose prediction changed with shuffled descriptions. */
  shuffled_changed: Proportion;
  threshold: number;
  descriptions_ignored: boolean;
  warning: string | null;
  changed_ids: { names_only: string[]; shuffled: string[] };
}

const same = (a: readonly string[], b: readonly string[]) => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((l) => y.has(l));
};

export function descriptionProbe(records: readonly ProbeRecord[], threshold = DESCRIPTION_IGNORED_THRESHOLD): ProbeResult {
  const namesOnly = records.filter((r) => r.namesOnly);
  const shuffledRecs = records.filter((r) => r.shuffled);
  const namesChanged = namesOnly.filter((r) => !same(r.original, r.namesOnly!)).map((r) => r.id);
  const shuffledChanged = shuffledRecs.filter((r) => !same(r.original, r.shuffled!)).map((r) => r.id);
  const names = wilson(namesChanged.length, namesOnly.length);
  const shuf = wilson(shuffledChanged.length, shuffledRecs.length);
  const ignored = shuf.rate !== null && shuf.rate < threshold;
  let warning: string | null = null;
  if (ignored) {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    warning =
      `Descriptions look ignored: shuffling them across the names changed only ${shuffledChanged.length} of ` +
      `${shuffledRecs.length} predictions (${pct(shuf.rate!)}, below ${pct(threshold)})` +
      (names.rate !== null ? `; names only changed ${pct(names.rate)}` : '') +
      '. The classifier is probably matching on category names alone.' +
      (shuffledRecs.length < PROBE_MIN_SAMPLE ? ` (Small sample: ${shuffledRecs.length} < ${PROBE_MIN_SAMPLE}.)` : '');
  }
  return {
    n: records.length,
    names_only_changed: names,
    shuffled_changed: shuf,
    threshold,
    descriptions_ignored: ignored,
    warning,
    changed_ids: { names_only: namesChanged, shuffled: shuffledChanged },
  };
}
