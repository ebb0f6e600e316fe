// When the cascade asks the VLM: a rule over the zero-shot card, written as comma-separated terms,
// any of which sends the image on (`--cascade-when`, `imageTriage.cascade.when`). Pure, no I/O.
import type { Confidence, RoutingCard } from './types';

/** Nothing fits, or low confidence, or the card's best score is 3 or less. */
export const DEFAULT_CASCADE_WHEN = 'fits_any=false,confidence=low,score<=3';

const LEVELS: Confidence[] = ['low', 'medium', 'high'];

type Term =
  | { kind: 'no-fit' }
  | { kind: 'confidence'; op: '=' | '<='; level: Confidence }
  | { kind: 'score'; max: number }
  | { kind: 'review' }
  | { kind: 'always' };

export interface CascadeRule {
  /** The rule as written (normalised: no spaces), recorded with every cascaded VLM prediction. */
  text: string;
  terms: Term[];
}

export class CascadeRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CascadeRuleError';
  }
}

const HELP = 'terms: fits_any=false, confidence=low|medium|high, confidence<=low|medium|high, score<=1..5, route=review, always';

/** Parses a rule; throws a CascadeRuleError naming the bad term and the terms that exist. */
export function parseCascadeRule(text: string = DEFAULT_CASCADE_WHEN): CascadeRule {
  const parts = text.split(',').map((t) => t.replace(/\s+/g, '')).filter(Boolean);
  if (!parts.length) throw new CascadeRuleError(`the cascade rule is empty (${HELP})`);
  const terms = parts.map((p): Term => {
    if (p === 'fits_any=false') return { kind: 'no-fit' };
    if (p === 'route=review') return { kind: 'review' };
    if (p === 'always') return { kind: 'always' };
    let m = /^confidence(<=|=)(low|medium|high)$/.exec(p);
    if (m) return { kind: 'confidence', op: m[1] as '=' | '<=', level: m[2] as Confidence };
    m = /^score<=([1-5])$/.exec(p);
    if (m) return { kind: 'score', max: Number(m[1]) };
    throw new CascadeRuleError(`unknown cascade rule term "${p}" (${HELP})`);
  });
  return { text: parts.join(','), terms };
}

/** The card's best score: its top predicted category, or (nothing predicted) its best category score. */
export function topCardScore(card: RoutingCard): number {
  const predicted = card.predicted_categories.map((c) => c.score);
  const all = predicted.length ? predicted : Object.values(card.category_scores);
  return all.length ? Math.max(...all) : 1;
}

/** The confidence of the card's top prediction ('low' when nothing is predicted). */
function topConfidence(card: RoutingCard): Confidence {
  const top = [...card.predicted_categories].sort((a, b) => b.score - a.score)[0];
  return top?.confidence ?? 'low';
}

/** True when the rule sends this zero-shot card to the VLM. */
export function isUncertain(card: RoutingCard, rule: CascadeRule): boolean {
  return rule.terms.some((t) => {
    switch (t.kind) {
      case 'no-fit':
        return !card.fits_any;
      case 'review':
        return card.would_route_to === 'review';
      case 'always':
        return true;
      case 'score':
        return topCardScore(card) <= t.max;
      case 'confidence': {
        const c = LEVELS.indexOf(topConfidence(card));
        const l = LEVELS.indexOf(t.level);
        return t.op === '=' ? c === l : c <= l;
      }
    }
  });
}
