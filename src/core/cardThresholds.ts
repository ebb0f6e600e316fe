// The thresholds that turn zero-shot model scores into the routing card's 1..5 scores and confidence,
// one set per score kind (README "How zero-shot scores become a routing card"):
//   softmax (CLIP: relative over the categories, sums to 1): thresholds on the softmax value, and its
//     margin over the best other category;
//   sigmoid (SigLIP: absolute per category, and low for real models: the right text of
//     transformers.js's own siglip-base example scores logit −1.60, sigmoid 0.17): thresholds on the
//     logit cos·scale + bias, and the logit margin over the best other category.
// A categories file may override any of them with "thresholds": {"softmax": {…}, "sigmoid": {…}}.
// Pure data and validation; the mapping itself is classifiers/zeroShot/scoring.ts.

export interface SoftmaxThresholds {
  /** Ascending softmax values at which the card score reaches 2, 3, 4, 5. */
  scores: [number, number, number, number];
  /** A 5 whose softmax margin over the runner-up is below this is medium, not high, confidence. */
  high_margin: number;
  /** Top-1 softmax below this earns the "may fit none" warning. */
  warn_below: number;
}

export interface SigmoidThresholds {
  /** Ascending logits (cos·scale + bias) at which the card score reaches 2, 3, 4, 5. */
  logit_scores: [number, number, number, number];
  /** single_label: a choice whose logit leads the runner-up by less than this is low confidence (review). */
  min_margin: number;
  /** A 5 whose logit margin over the runner-up is below this is medium, not high, confidence. */
  high_margin: number;
  /** A best logit below this earns the "may fit none" warning. */
  warn_below_logit: number;
}

export interface CardThresholds {
  softmax: SoftmaxThresholds;
  sigmoid: SigmoidThresholds;
}

/** What a categories file may give: any subset. */
export interface CardThresholdsOverride {
  softmax?: Partial<SoftmaxThresholds>;
  sigmoid?: Partial<SigmoidThresholds>;
}

export const DEFAULT_THRESHOLDS: CardThresholds = Object.freeze({
  softmax: Object.freeze({ scores: [0.1, 0.25, 0.45, 0.7], high_margin: 0.3, warn_below: 0.2 }),
  // logit −7 ≈ sigmoid 0.0009, −5 ≈ 0.0067, −3 ≈ 0.047, 0 = 0.5.
  sigmoid: Object.freeze({ logit_scores: [-7, -5, -3, 0], min_margin: 1, high_margin: 4, warn_below_logit: -5 }),
}) as CardThresholds;

/** Mapping ids recorded in every zero-shot prediction (`zero_shot.card_mapping.id`). */
export const MAPPING_IDS = { softmax: 'softmax-v1', sigmoid: 'sigmoid-logit-v1' } as const;

export function resolveThresholds(o?: CardThresholdsOverride): CardThresholds {
  return {
    softmax: { ...DEFAULT_THRESHOLDS.softmax, ...(o?.softmax ?? {}) } as SoftmaxThresholds,
    sigmoid: { ...DEFAULT_THRESHOLDS.sigmoid, ...(o?.sigmoid ?? {}) } as SigmoidThresholds,
  };
}

const FIELDS: Record<'softmax' | 'sigmoid', Record<string, 'ascending4' | 'unit' | 'nonneg' | 'number'>> = {
  softmax: { scores: 'ascending4', high_margin: 'unit', warn_below: 'unit' },
  sigmoid: { logit_scores: 'ascending4', min_margin: 'nonneg', high_margin: 'nonneg', warn_below_logit: 'number' },
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a categories file's "thresholds"; every problem names its field. */
export function parseThresholds(raw: unknown, problems: string[], warnings: string[]): CardThresholdsOverride | undefined {
  if (!isObj(raw)) {
    problems.push('thresholds must be an object like {"softmax": {…}, "sigmoid": {…}}');
    return undefined;
  }
  const out: CardThresholdsOverride = {};
  for (const [kind, value] of Object.entries(raw)) {
    if (kind !== 'softmax' && kind !== 'sigmoid') {
      problems.push(`thresholds.${kind} is unknown; use "softmax" (CLIP) or "sigmoid" (SigLIP)`);
      continue;
    }
    if (!isObj(value)) {
      problems.push(`thresholds.${kind} must be an object`);
      continue;
    }
    const part: Record<string, unknown> = {};
    for (const [field, v] of Object.entries(value)) {
      const rule = FIELDS[kind][field];
      const at = `thresholds.${kind}.${field}`;
      if (!rule) {
        problems.push(`${at} is unknown; expected one of ${Object.keys(FIELDS[kind]).join(', ')}`);
      } else if (rule === 'ascending4') {
        if (!Array.isArray(v) || v.length !== 4 || !v.every(finite) || !v.every((x, i) => i === 0 || x > v[i - 1])) {
          problems.push(`${at} must be 4 strictly ascending numbers (where the card score reaches 2, 3, 4, 5)`);
        } else if (kind === 'softmax' && !v.every((x) => x >= 0 && x <= 1)) {
          problems.push(`${at} must lie in [0, 1] (softmax values)`);
        } else part[field] = [...v];
      } else if (!finite(v)) {
        problems.push(`${at} must be a number`);
      } else if (rule === 'unit' && (v < 0 || v > 1)) {
        problems.push(`${at} must lie in [0, 1] (got ${v})`);
      } else if (rule === 'nonneg' && v < 0) {
        problems.push(`${at} must be ≥ 0 (got ${v})`);
      } else part[field] = v;
    }
    out[kind] = part;
  }
  const sig = resolveThresholds(out).sigmoid;
  if (sig.min_margin > sig.high_margin) problems.push(`thresholds.sigmoid.min_margin (${sig.min_margin}) must not exceed thresholds.sigmoid.high_margin (${sig.high_margin})`);
  if (!problems.length && !Object.keys(out).length) warnings.push('thresholds is empty; the defaults are used');
  return out;
}
