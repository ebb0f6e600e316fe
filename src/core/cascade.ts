// The cascade run: zero-shot classifies every image; the VLM classifies only the images whose
// zero-shot card the rule calls uncertain. Both predictions stay in the sidecar; the effective one is
// the VLM's where it ran (effectivePrediction.ts). Each stage resumes on its own: the VLM is asked
// again only when the zero-shot result it followed changed, or its answer is missing or not current.
import type { Classifier } from './classifier';
import type { CategorySet, Sidecar } from './types';
import { ROUTE_REVIEW } from './types';
import { runClassification, type RunEvent, type RunImage, type RunSummary } from './run';
import { isPredictionCurrent, predictedLabels } from './sidecar';
import { effectivePrediction, zeroShotFingerprint } from './effectivePrediction';
import { isUncertain, type CascadeRule } from './cascadeRule';
import { discoverImages } from './discovery';

export interface CascadeOptions {
  root: string;
  set: CategorySet;
  categoriesHash: string;
  zeroShot: Classifier;
  vlm: Classifier;
  rule: CascadeRule;
  batchSize?: number;
  /** Re-run both stages for every image. */
  force?: boolean;
  signal?: AbortSignal;
  images?: RunImage[];
  onEvent?: (e: CascadeEvent) => void;
  /**
   * Asked once the uncertain images are known and before any of them goes to the VLM (the consent
   * question, with the real count). false: the VLM stage is skipped; those images keep zero-shot only.
   */
  beforeVlm?: (count: number) => Promise<boolean>;
}

export type CascadeEvent = RunEvent | { type: 'stage'; stage: 'zero-shot' | 'vlm'; total: number; saved?: number; current?: number };

export interface CascadeSummary extends RunSummary {
  cascade_when: string;
  vlm_calls: number;
  vlm_calls_saved: number;
  /** Uncertain images whose VLM answer was already current (not asked again). */
  vlm_current: number;
}

/** Why an image with a zero-shot card does (not) go to the VLM. */
export function cascadeDecision(
  sc: Sidecar,
  o: { vlm: Classifier; rule: CascadeRule; categoriesHash: string; force?: boolean },
): 'settled' | 'current' | 'ask' {
  const zs = sc.predictions['zero-shot'];
  if (!zs || !isUncertain(zs, o.rule)) return 'settled';
  const info = o.vlm.info;
  const current =
    !o.force &&
    isPredictionCurrent(sc, { classifier: 'vlm', checkpoint: info.checkpoint, revision: info.revision, dtype: info.dtype, categoriesHash: o.categoriesHash, sha256: zs.image_sha256, promptVersion: info.promptVersion }) &&
    sc.predictions.vlm?.cascade?.zero_shot === zeroShotFingerprint(zs);
  return current ? 'current' : 'ask';
}

export async function runCascade(o: CascadeOptions): Promise<CascadeSummary> {
  const start = Date.now();
  const emit = o.onEvent ?? (() => undefined);
  const sidecars = new Map<string, Sidecar | undefined>();
  const track = (e: RunEvent) => {
    if (e.type === 'image' && e.sidecar) sidecars.set(e.path, e.sidecar);
    emit(e);
  };

  let images = o.images;
  if (!images) {
    const found = await discoverImages(o.root, { signal: o.signal });
    images = found.images;
    if (found.problems.length) emit({ type: 'discovered', total: images.length, problems: found.problems });
  }
  emit({ type: 'stage', stage: 'zero-shot', total: images.length });
  const zs = await runClassification({ root: o.root, set: o.set, categoriesHash: o.categoriesHash, classifier: o.zeroShot, batchSize: o.batchSize, force: o.force, signal: o.signal, images, onEvent: track });
  const summary: CascadeSummary = {
    ...zs,
    classifier: 'cascade',
    checkpoint: `${o.zeroShot.info.checkpoint} → ${o.vlm.info.checkpoint}`,
    cascade_when: o.rule.text,
    vlm_calls: 0,
    vlm_calls_saved: 0,
    vlm_current: 0,
    vlm_requests: 0,
    vlm_requests_with_usage: 0,
    tokens: { prompt: 0, completion: 0, total: 0 },
    errors: zs.errors.map((e) => ({ ...e, message: `zero-shot: ${e.message}` })),
  };
  if (zs.cancelled) return finish(summary, sidecars, start);

  const ask: RunImage[] = [];
  for (const img of images) {
    const sc = sidecars.get(img.path);
    if (!sc?.predictions['zero-shot']) continue; // zero-shot failed for it: counted there
    const d = cascadeDecision(sc, { vlm: o.vlm, rule: o.rule, categoriesHash: o.categoriesHash, force: o.force });
    if (d === 'settled') summary.vlm_calls_saved++;
    else if (d === 'current') summary.vlm_current++;
    else ask.push(img);
  }
  emit({ type: 'stage', stage: 'vlm', total: ask.length, saved: summary.vlm_calls_saved, current: summary.vlm_current });
  if (!ask.length) return finish(summary, sidecars, start);
  if (o.beforeVlm && !(await o.beforeVlm(ask.length))) {
    summary.vlm_declined = ask.length;
    return finish(summary, sidecars, start);
  }

  const when = o.rule.text;
  const v = await runClassification({
    root: o.root,
    set: o.set,
    categoriesHash: o.categoriesHash,
    classifier: o.vlm,
    batchSize: o.batchSize,
    force: true, // the cascade decided above which images need the VLM
    signal: o.signal,
    images: ask,
    onEvent: (e) => (e.type === 'discovered' ? undefined : track(e)),
    stamp: (p, cur) => {
      const z = cur?.predictions['zero-shot'];
      return z ? { ...p, cascade: { zero_shot: zeroShotFingerprint(z), when } } : p;
    },
  });
  summary.vlm_calls = v.vlm_calls ?? 0;
  summary.vlm_requests = v.vlm_requests ?? 0;
  summary.vlm_requests_with_usage = v.vlm_requests_with_usage ?? 0;
  summary.tokens = v.tokens === undefined ? summary.tokens : v.tokens;
  summary.failed += v.failed;
  summary.errors.push(...v.errors.map((e) => ({ ...e, message: `vlm: ${e.message}` })));
  summary.cancelled = v.cancelled;
  return finish(summary, sidecars, start);
}

/** Per-category counts and the review queue from each image's effective prediction. */
function finish(s: CascadeSummary, sidecars: Map<string, Sidecar | undefined>, start: number): CascadeSummary {
  s.perCategory = Object.fromEntries(Object.keys(s.perCategory).map((k) => [k, 0]));
  s.reviewQueue = 0;
  for (const sc of sidecars.values()) {
    const p = effectivePrediction(sc);
    if (!p) continue;
    for (const l of predictedLabels(p)) s.perCategory[l] = (s.perCategory[l] ?? 0) + 1;
    if (p.would_route_to === ROUTE_REVIEW) s.reviewQueue++;
  }
  s.elapsedMs = Date.now() - start;
  return s;
}
