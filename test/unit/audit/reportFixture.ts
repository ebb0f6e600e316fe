// A crafted folder for the trust-report tests: 12 images, 10 with zero-shot and VLM predictions,
// reviews, audit verdicts and flags; one corrupt sidecar and one image without a sidecar.
// Every expected number in report.test.ts is worked out from this table.
//
// img | VLM (vlm-A)      flags                         | verdict (latest)      cat ok | ZS (clip-B32) scores cat/dog/bird | review (based on)
//  01 | cat high                                       | hallucinated          yes    | cat  .80/.15/.05 medium            | accepted [cat] (vlm [cat])
//  02 | cat high                                       | accurate              yes    | cat  .60/.30/.10 medium            | accepted [cat] (vlm [cat])
//  03 | cat high                                       | partly                yes    | dog  .30/.60/.10 medium            | overridden [dog] (vlm [cat])
//  04 | cat medium                                     | hallucinated          no→dog | cat  .50/.40/.10 medium            | overridden [dog] (vlm [cat])
//  05 | dog high                                       | accurate              yes    | dog  .10/.85/.05 medium            | accepted [dog] (vlm [dog])
//  06 | dog high                                       | accurate              yes    | dog  .20/.70/.10 low               | rejected [] (vlm [dog])
//  07 | dog low                                        | skip                  –      | dog  .30/.50/.20 low               | pending
//  08 | bird high  single_label_split, 2× inconsistent_confidence | hallucinated no→cat | bird .20/.10/.70 low     | overridden [cat] (zero-shot [bird])
//  09 | (none)     forced_classification               | partly                yes    | bird .20/.20/.60 low               | overridden [bird] (vlm [])
//  10 | dog high   forced_classification, inconsistent_route | awaiting        –      | cat  .55/.35/.10 low               | stale [dog] (vlm [dog])
//  11 | corrupt sidecar
//  12 | no sidecar
// Also: img01 has an earlier 'accurate' verdict (superseded); img05 has a verdict 'hallucinated' on the
// old checkpoint vlm-OLD (prompt v0), which forms its own group.
import { pred, review, done, sidecar, writeImage, tempDir } from './fixtures';
import type { AuditEntry, Confidence, Prediction, Review } from '../../../src/core/types';

interface Row {
  vlm: [string | null, Confidence?];
  flags?: string[];
  audit: AuditEntry[];
  zs: [string, Confidence, number, number, number];
  review: Review;
}

const v = (verdict: AuditEntry['verdict'], labels: string[], extra: Partial<AuditEntry> = {}) =>
  done({ verdict, predicted_labels: labels, confidence: 'high', ...extra });

export const ROWS: Row[] = [
  { vlm: ['cat', 'high'], audit: [v('accurate', ['cat'], { at: '2026-01-03T00:00:00.000Z', category_correct: true }), v('hallucinated', ['cat'], { category_correct: true })], zs: ['cat', 'medium', 0.8, 0.15, 0.05], review: review('accepted', ['cat'], { classifier: 'vlm', labels: ['cat'] }) },
  { vlm: ['cat', 'high'], audit: [v('accurate', ['cat'], { category_correct: true })], zs: ['cat', 'medium', 0.6, 0.3, 0.1], review: review('accepted', ['cat'], { classifier: 'vlm', labels: ['cat'] }) },
  { vlm: ['cat', 'high'], audit: [v('partly', ['cat'], { category_correct: true })], zs: ['dog', 'medium', 0.3, 0.6, 0.1], review: review('overridden', ['dog'], { classifier: 'vlm', labels: ['cat'] }) },
  { vlm: ['cat', 'medium'], audit: [v('hallucinated', ['cat'], { category_correct: false, correct_category: 'dog' })], zs: ['cat', 'medium', 0.5, 0.4, 0.1], review: review('overridden', ['dog'], { classifier: 'vlm', labels: ['cat'] }) },
  {
    vlm: ['dog', 'high'],
    audit: [v('hallucinated', ['dog'], { checkpoint: 'vlm-OLD', prompt_version: 'v0' }), v('accurate', ['dog'], { category_correct: true })],
    zs: ['dog', 'medium', 0.1, 0.85, 0.05],
    review: review('accepted', ['dog'], { classifier: 'vlm', labels: ['dog'] }),
  },
  { vlm: ['dog', 'high'], audit: [v('accurate', ['dog'], { category_correct: true })], zs: ['dog', 'low', 0.2, 0.7, 0.1], review: review('rejected', [], { classifier: 'vlm', labels: ['dog'] }) },
  { vlm: ['dog', 'low'], audit: [v('skip', ['dog'])], zs: ['dog', 'low', 0.3, 0.5, 0.2], review: review('pending', []) },
  {
    vlm: ['bird', 'high'],
    flags: ['single_label_split', 'inconsistent_confidence', 'inconsistent_confidence'],
    audit: [v('hallucinated', ['bird'], { category_correct: false, correct_category: 'cat' })],
    zs: ['bird', 'low', 0.2, 0.1, 0.7],
    review: review('overridden', ['cat'], { classifier: 'zero-shot', labels: ['bird'] }),
  },
  { vlm: [null], flags: ['forced_classification'], audit: [v('partly', [], { category_correct: true, confidence: undefined })], zs: ['bird', 'low', 0.2, 0.2, 0.6], review: review('overridden', ['bird'], { classifier: 'vlm', labels: [] }) },
  {
    vlm: ['dog', 'high'],
    flags: ['forced_classification', 'inconsistent_route'],
    audit: [{ status: 'awaiting', sample_id: 's-test', seed: 1, sampled_at: '2026-01-03T00:00:00.000Z', classifier: 'vlm', checkpoint: 'vlm-A', prompt_version: 'v1', predicted_labels: ['dog'], confidence: 'high' }],
    zs: ['cat', 'low', 0.55, 0.35, 0.1],
    review: review('stale', ['dog'], { classifier: 'vlm', labels: ['dog'] }),
  },
];

export function rowPredictions(r: Row): Prediction[] {
  const [top, conf] = r.vlm;
  const [zsTop, zsConf, c, d, b] = r.zs;
  return [
    pred({ top, confidence: conf, flags: r.flags }),
    pred({ classifier: 'zero-shot', top: zsTop, confidence: zsConf, scores: { cat: c, dog: d, bird: b } }),
  ];
}

export const relPath = (i: number) => `img${String(i + 1).padStart(2, '0')}.png`;

/** Writes the crafted folder; returns its path. */
export async function writeReportFolder(): Promise<string> {
  const dir = await tempDir('audit-report-');
  for (const [i, r] of ROWS.entries()) {
    await writeImage(dir, relPath(i), sidecar(relPath(i), { preds: rowPredictions(r), review: r.review, audit: r.audit }));
  }
  await writeImage(dir, 'img11.png', '{"schema": "something else"}');
  await writeImage(dir, 'img12.png', null);
  return dir;
}
