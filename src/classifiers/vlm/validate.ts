// Turns a VLM's parsed answer into a Prediction. The scores are the ground truth: what is predicted,
// fits_any, each confidence and the route are recomputed from them by the card's rules (core/routing),
// and every way the answer deviates from the card is recorded as a flag. Model strings are data only.
import type { CategorySet, Confidence, PredictedCategory, Prediction, PredictionFlag } from '../../core/types';
import { SINGLE_LABEL_MAX_REJECT, cardConfidence, cardRoute, chooseByCard, sameLabels, truncateWords } from '../../core/routing';
import { BASIS_MAX_CHARS, EVIDENCE_MAX_CHARS, plainText, quote } from './text';

/** Everything about a prediction that does not come from the model's answer. */
export interface PredictionMeta {
  checkpoint: string;
  categoriesHash: string;
  imageSha256: string;
  /** ISO time. */
  createdAt: string;
  promptVersion: string;
  revision?: string;
  dtype?: string;
}

export type ValidateResult = { ok: true; prediction: Prediction } | { ok: false; error: string };

interface ModelEntry {
  score?: number;
  confidence?: unknown;
  evidence: unknown;
}

const CONFIDENCES: Confidence[] = ['high', 'medium', 'low'];
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A score as an integer 1..5 with what had to be fixed, or why it was rejected. */
export function coerceScore(v: unknown): { value: number; fixes: string[] } | { rejected: string } {
  const fixes: string[] = [];
  let n: number;
  if (typeof v === 'number' && Number.isFinite(v)) n = v;
  else if (typeof v === 'string' && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(v)) {
    n = Number(v);
    fixes.push('given as text');
  } else return { rejected: 'not a number' };
  let value = Math.round(n);
  if (value !== n) fixes.push('not an integer');
  if (value < 1 || value > 5) {
    fixes.push('outside 1–5');
    value = Math.min(5, Math.max(1, value));
  }
  return { value, fixes };
}

/** Maps a model-given name to the set's name: exact, else a unique case/space-insensitive match. */
function nameResolver(set: CategorySet) {
  const exact = new Set(set.categories.map((c) => c.name));
  const loose = new Map<string, string | null>();
  for (const c of set.categories) {
    const k = c.name.trim().toLowerCase();
    loose.set(k, loose.has(k) ? null : c.name);
  }
  return (raw: string): { name?: string; renamed: boolean } => {
    if (exact.has(raw)) return { name: raw, renamed: false };
    const m = loose.get(raw.trim().toLowerCase());
    return m ? { name: m, renamed: true } : { renamed: false };
  };
}

export function validateCard(value: unknown, set: CategorySet, meta: PredictionMeta, prior: PredictionFlag[] = []): ValidateResult {
  if (!isObject(value)) return { ok: false, error: 'the answer is not a JSON object' };
  const rawScores = value.category_scores;
  if (!isObject(rawScores)) return { ok: false, error: 'the answer has no "category_scores" object' };

  const flags: PredictionFlag[] = [...prior];
  const flag = (kind: PredictionFlag['kind'], detail: string) => flags.push({ kind, detail });
  const resolve = nameResolver(set);
  const order = set.categories.map((c) => c.name);
  const mode = set.mode;

  // 1. Scores given in category_scores. Exact names first, so a loose duplicate never overrides one.
  const given = new Map<string, number>();
  const keys = Object.keys(rawScores).sort((a, b) => Number(!order.includes(a)) - Number(!order.includes(b)));
  for (const key of keys) {
    const r = resolve(key);
    if (!r.name) {
      flag('unknown_category', `category_scores has ${quote(key)}, which is not a category; dropped`);
      continue;
    }
    if (given.has(r.name)) {
      flag('duplicate_category', `category_scores names ${quote(r.name)} twice (as ${quote(key)}); the first kept`);
      continue;
    }
    if (r.renamed) flag('renamed_category', `category_scores has ${quote(key)}; read as ${quote(r.name)}`);
    const s = coerceScore(rawScores[key]);
    if ('rejected' in s) {
      flag('bad_score', `score of ${quote(r.name)} was ${quote(rawScores[key])} (${s.rejected}); rejected and treated as missing`);
      continue;
    }
    if (s.fixes.length) flag('bad_score', `score of ${quote(r.name)} was ${quote(rawScores[key])} (${s.fixes.join(', ')}); used ${s.value}`);
    given.set(r.name, s.value);
  }
  if (given.size === 0) return { ok: false, error: 'the answer has no usable score in "category_scores"' };

  // 2. The model's own predictions: only their confidence and evidence are used.
  const entries = new Map<string, ModelEntry>();
  const modelNames: string[] = [];
  const rawPredicted = value.predicted_categories;
  if (rawPredicted !== undefined && !Array.isArray(rawPredicted)) flag('malformed_entry', 'predicted_categories is not a list; ignored');
  for (const e of Array.isArray(rawPredicted) ? rawPredicted : []) {
    if (!isObject(e) || typeof e.name !== 'string') {
      flag('malformed_entry', `predicted_categories has an entry without a name (${quote(e)}); ignored`);
      continue;
    }
    const r = resolve(e.name);
    if (!r.name) {
      flag('unknown_category', `predicted_categories has ${quote(e.name)}, which is not a category; dropped`);
      continue;
    }
    if (r.renamed) flag('renamed_category', `predicted_categories has ${quote(e.name)}; read as ${quote(r.name)}`);
    if (entries.has(r.name)) continue;
    const s = e.score === undefined ? undefined : coerceScore(e.score);
    entries.set(r.name, { score: s && 'value' in s ? s.value : undefined, confidence: e.confidence, evidence: e.visual_evidence });
    modelNames.push(r.name);
  }

  // 3. Every category gets a score: missing ones from the model's prediction entry, else 1.
  // Null prototype: category names are user data ("__proto__" is a valid name).
  const scores: Record<string, number> = Object.create(null);
  for (const name of order) {
    const g = given.get(name);
    if (g !== undefined) {
      scores[name] = g;
      const e = entries.get(name);
      if (e?.score !== undefined && e.score !== g) {
        flag('inconsistent_score', `${quote(name)} is scored ${g} in category_scores but ${e.score} in predicted_categories; ${g} used`);
      }
      continue;
    }
    const fallback = entries.get(name)?.score;
    scores[name] = fallback ?? 1;
    flag(
      'missing_category',
      fallback !== undefined
        ? `category_scores has no usable score for ${quote(name)}; used ${fallback} from predicted_categories`
        : `category_scores has no usable score for ${quote(name)}; scored 1 (does not fit)`,
    );
  }

  // 4. Recompute the choice. In single_label, a tie at the top goes to the model's own pick.
  let chosen = chooseByCard(scores, order, mode);
  const top = Math.max(...order.map((n) => scores[n]));
  if (mode === 'single_label' && chosen.length === 1) {
    const modelTop = modelNames.find((n) => scores[n] === top);
    if (modelTop) chosen = [modelTop];
  }
  const forced = modelNames.length > 0 && top <= SINGLE_LABEL_MAX_REJECT;
  if (forced) {
    flag('forced_classification', `predicted ${modelNames.map((n) => quote(n)).join(', ')} although the highest score is ${top}; fits_any set to false, routed to review`);
  }
  if (mode === 'single_label' && modelNames.length > 1) {
    flag('single_label_split', `predicted ${modelNames.length} categories in single_label mode; kept ${chosen.length ? quote(chosen[0]) : 'none'}`);
  } else if (!forced && !sameLabels(modelNames, chosen)) {
    flag('inconsistent_prediction', `predicted [${modelNames.map((n) => quote(n)).join(', ')}] but the scores give [${chosen.map((n) => quote(n)).join(', ')}]; the scores used`);
  }

  // 5. Confidence and evidence per chosen category.
  const fives = order.filter((n) => scores[n] === 5).length;
  const predicted: PredictedCategory[] = chosen.map((name) => {
    const score = scores[name];
    const e = entries.get(name);
    const ev = plainText(e?.evidence, EVIDENCE_MAX_CHARS);
    if (!ev.text) flag('evidence_missing', `no visual_evidence for ${quote(name)}`);
    if (ev.truncated) flag('evidence_truncated', `visual_evidence for ${quote(name)} cut to ${EVIDENCE_MAX_CHARS} characters`);
    const ambiguous = !e || e.confidence !== 'high' || !ev.text || (mode === 'single_label' && fives > 1);
    const confidence = cardConfidence(score, ambiguous);
    if (e && e.confidence !== confidence) {
      const said = CONFIDENCES.includes(e.confidence as Confidence) ? quote(e.confidence) : `${quote(e.confidence)} (not high/medium/low)`;
      flag('inconsistent_confidence', `confidence of ${quote(name)} given as ${said}; the card gives "${confidence}" for score ${score}`);
    }
    return { name, score, confidence, visual_evidence: ev.text };
  });

  // 6. fits_any and route.
  const fitsAny = predicted.length > 0;
  if (value.fits_any !== fitsAny) {
    flag('inconsistent_fits_any', `fits_any given as ${quote(value.fits_any)}; the scores give ${fitsAny}`);
  }
  const route = cardRoute(predicted, fitsAny);
  if (value.would_route_to !== route) {
    flag('inconsistent_route', `would_route_to given as ${quote(value.would_route_to)}; the card gives ${quote(route)}`);
  }

  // 7. decision_basis: one plain sentence, at most 30 words.
  let basis = '';
  if (typeof value.decision_basis !== 'string' || !value.decision_basis.trim()) {
    flag('basis_missing', 'no decision_basis given');
  } else {
    const words = truncateWords(plainText(value.decision_basis, Number.MAX_SAFE_INTEGER).text);
    const chars = plainText(words.text, BASIS_MAX_CHARS);
    basis = chars.text;
    if (words.truncated || chars.truncated) flag('basis_truncated', `decision_basis cut to ${words.truncated ? '30 words' : `${BASIS_MAX_CHARS} characters`}`);
  }

  const prediction: Prediction = {
    predicted_categories: predicted,
    fits_any: fitsAny,
    category_scores: Object.fromEntries(order.map((n) => [n, scores[n]])),
    would_route_to: route,
    decision_basis: basis,
    classifier: 'vlm',
    checkpoint: meta.checkpoint,
    revision: meta.revision ?? '',
    dtype: meta.dtype ?? 'n/a',
    categories_hash: meta.categoriesHash,
    mode,
    created_at: meta.createdAt,
    image_sha256: meta.imageSha256,
    warnings: [],
    flags,
    prompt_version: meta.promptVersion,
  };
  return { ok: true, prediction };
}
