// Builders for sidecars and summaries used by the extension's unit tests.
import type { Prediction, Sidecar } from '../../../src/core/types';
import { newSidecar } from '../../../src/core/sidecar';
import type { HostMessage, ImageSummary } from '../../../src/shared/protocol';
import { FolderModel } from '../../../src/extension/panel/folderModel';
import { RescorePreviewer } from '../../../src/extension/panel/rescorePreview';
import type { ReviewSession } from '../../../src/extension/panel/reviewSession';
/** A well-formed sha256 (the schema checks the shape). */
const FAKE_SHA = 'abc'.padEnd(64, '0');

export const COLOURS = ['red', 'green', 'blue'];

/** A zero-shot prediction whose best category is `top` with raw score `p` (the rest share 1-p). */
export function prediction(top: string | null, p = 0.9, extra: Partial<Prediction> = {}): Prediction {
  const scores: Record<string, number> = {};
  const rest = (1 - p) / (COLOURS.length - 1);
  for (const c of COLOURS) scores[c] = c === top ? p : rest;
  const ranked = Object.entries(scores).sort((a, b) => b[1] - a[1]);
  return {
    classifier: 'zero-shot',
    checkpoint: 'tiny-clip',
    revision: 'local',
    dtype: 'fp32',
    categories_hash: 'h1',
    mode: 'single_label',
    created_at: '2025-01-01T00:00:00.000Z',
    image_sha256: FAKE_SHA,
    warnings: [],
    predicted_categories: top ? [{ name: top, score: 5, confidence: 'high', visual_evidence: `mostly ${top}` }] : [],
    fits_any: !!top,
    category_scores: Object.fromEntries(COLOURS.map((c) => [c, c === top ? 5 : 1])),
    would_route_to: top ?? 'review',
    decision_basis: top ? `closest to ${top}` : 'nothing fits',
    zero_shot: {
      score_kind: 'softmax',
      scores,
      cosines: Object.fromEntries(COLOURS.map((c) => [c, scores[c] / 3])),
      top5: ranked.map(([name, score]) => ({ name, score, cosine: score / 3 })),
      templates: ['a photo of {name}.'],
      logit_scale: 100,
    },
    ...extra,
  };
}

export function sidecarWith(name: string, pred?: Prediction): Sidecar {
  const sc = newSidecar({ name, sha256: FAKE_SHA, size: 3 });
  if (pred) sc.predictions['zero-shot'] = pred;
  return sc;
}

export function summary(id: string, over: Partial<ImageSummary> = {}): ImageSummary {
  return {
    id,
    name: id,
    status: 'pending',
    reviewLabels: [],
    predicted: [],
    classified: true,
    cardScore: 5,
    rawScore: 0.5,
    margin: 0.2,
    confidence: 'high',
    fitsAny: true,
    route: null,
    inReviewQueue: false,
    error: null,
    checkpoint: 'tiny',
    effective: 'zero-shot',
    vlmDisagrees: false,
    rev: 'r',
    ...over,
  };
}

/** The panel host's search model and re-scoring previewer for tests that need no model (nothing loads). */
export function noModelExplore(session: ReviewSession, storageDir: string, post: (m: HostMessage) => void) {
  const model = new FolderModel(storageDir, () => Promise.reject(new Error('no model in this test')));
  const rescorePreview = new RescorePreviewer({
    session,
    model,
    log: { info: () => undefined, warn: () => undefined },
    post,
    savedCategories: async () => null,
    withProgress: (_t, fn) => fn(() => undefined, new AbortController().signal),
    ownWrites: (fn) => fn(),
    categoriesChanged: () => undefined,
  });
  return { model, rescorePreview };
}
