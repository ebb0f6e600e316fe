// Builders for crafted predictions and sidecars used by the audit tests.
import { promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newSidecar } from '../../../src/core/sidecar';
import { writeSidecar } from '../../../src/core/sidecarStore';
import type { AuditEntry, ClassifierKind, Confidence, Prediction, PredictionFlag, Review, Sidecar } from '../../../src/core/types';
/** A well-formed sha256 (the schema checks the shape). */
export const FAKE_SHA = 'abc'.padEnd(64, '0');

export const CATS = ['cat', 'dog', 'bird'];

export interface PredSpec {
  classifier?: ClassifierKind;
  checkpoint?: string;
  /** Predicted category and its confidence; null = nothing predicted. */
  top: string | null;
  confidence?: Confidence;
  flags?: string[];
  promptVersion?: string;
  /** Zero-shot raw scores per category. */
  scores?: Record<string, number>;
  categories?: string[];
}

export function pred(s: PredSpec): Prediction {
  const classifier = s.classifier ?? 'vlm';
  const categories = s.categories ?? CATS;
  const conf = s.confidence ?? 'high';
  const score = conf === 'high' ? 5 : conf === 'medium' ? 4 : 3;
  const flags: PredictionFlag[] = (s.flags ?? []).map((kind) => ({ kind, detail: `test ${kind}` }));
  return {
    classifier,
    checkpoint: s.checkpoint ?? (classifier === 'vlm' ? 'vlm-A' : 'clip-B32'),
    revision: 'main',
    dtype: 'fp32',
    categories_hash: 'h1',
    mode: 'single_label',
    created_at: '2026-01-01T00:00:00.000Z',
    image_sha256: FAKE_SHA,
    warnings: [],
    predicted_categories: s.top ? [{ name: s.top, score, confidence: conf, visual_evidence: `looks like a ${s.top}` }] : [],
    fits_any: !!s.top,
    category_scores: Object.fromEntries(categories.map((c) => [c, c === s.top ? score : 1])),
    would_route_to: s.top && conf !== 'low' ? s.top : 'review',
    decision_basis: 'test',
    ...(flags.length ? { flags } : {}),
    ...(s.promptVersion ? { prompt_version: s.promptVersion } : classifier === 'vlm' ? { prompt_version: 'v1' } : {}),
    ...(s.scores
      ? {
          zero_shot: {
            score_kind: 'softmax' as const,
            scores: s.scores,
            cosines: Object.fromEntries(Object.entries(s.scores).map(([k, v]) => [k, v / 4])),
            top5: Object.entries(s.scores)
              .sort((a, b) => b[1] - a[1])
              .map(([name, score]) => ({ name, score, cosine: score / 4 })),
            templates: ['a photo of a {name}.'],
            logit_scale: 100,
          },
        }
      : {}),
  };
}

export function review(status: Review['status'], labels: string[], basedOn?: { classifier: ClassifierKind; labels: string[]; checkpoint?: string }): Review {
  return {
    status,
    labels,
    ...(status !== 'pending' ? { by: 'ann', at: '2026-01-02T00:00:00.000Z' } : {}),
    ...(basedOn
      ? { based_on: { classifier: basedOn.classifier, labels: basedOn.labels, categories_hash: 'h1', checkpoint: basedOn.checkpoint ?? (basedOn.classifier === 'vlm' ? 'vlm-A' : 'clip-B32') } }
      : {}),
    history: [],
  };
}

export function done(over: Partial<AuditEntry> & Pick<AuditEntry, 'verdict'>): AuditEntry {
  return {
    status: 'done',
    sample_id: 's-test',
    seed: 1,
    sampled_at: '2026-01-03T00:00:00.000Z',
    classifier: 'vlm',
    checkpoint: 'vlm-A',
    prompt_version: 'v1',
    predicted_labels: [],
    by: 'auditor',
    at: '2026-01-04T00:00:00.000Z',
    ...over,
  };
}

export function sidecar(name: string, parts: { preds?: Prediction[]; review?: Review; audit?: AuditEntry[] }): Sidecar {
  const sc = newSidecar({ name, sha256: FAKE_SHA, size: 4 });
  for (const p of parts.preds ?? []) sc.predictions[p.classifier] = p;
  if (parts.review) sc.review = parts.review;
  sc.audit = parts.audit ?? [];
  return sc;
}

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A temp folder, removed when the test process exits. The audit never decodes images, so a few bytes stand in for each PNG. */
export async function tempDir(prefix = 'audit-'): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

export async function writeImage(dir: string, rel: string, sc: Sidecar | null | string): Promise<string> {
  const p = path.join(dir, rel);
  await fs.mkdir(path.dirname(p), { recursive: true });
  await fs.writeFile(p, Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  if (typeof sc === 'string') await fs.writeFile(p + '.labels.json', sc);
  else if (sc) await writeSidecar(p, sc);
  return p;
}

export function capture(): { io: { out: (s: string) => void; err: (s: string) => void; env: NodeJS.ProcessEnv }; out: () => string; err: () => string } {
  let o = '';
  let e = '';
  return { io: { out: (s) => (o += s), err: (s) => (e += s), env: { IMAGE_TRIAGE_USER: 'tester' } }, out: () => o, err: () => e };
}

export const close = (actual: number | null | undefined, expected: number, tol = 5e-5): boolean =>
  typeof actual === 'number' && Math.abs(actual - expected) <= tol;
