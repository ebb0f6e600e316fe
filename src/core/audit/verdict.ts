// Recording an auditor's verdict on one prediction: evidence accurate / partly / hallucinated, or
// skip; the category right or wrong (and the right one); a note; who and when; the classifier,
// checkpoint and prompt version judged. It completes the awaiting entry of that classifier, or
// appends a new 'done' entry when the image was not sampled.
import type { AuditEntry, AuditVerdict, ClassifierKind, Sidecar } from '../types';
import { predictedLabels, primaryPrediction } from '../sidecar';
import { updateSidecar } from '../sidecarStore';
import { topCategory } from './sampling';

export const AUDIT_VERDICTS: readonly AuditVerdict[] = ['accurate', 'partly', 'hallucinated', 'skip'];
/** sample_id of a verdict recorded on an image that was not part of a drawn sample. */
export const MANUAL_SAMPLE_ID = 'manual';

export interface VerdictInput {
  /** The evidence verdict. Optional for a zero-shot prediction given a category verdict (it claims no evidence). */
  verdict?: AuditVerdict;
  /** Which prediction is judged. Default: the classifier with an awaiting entry, else the VLM's, else the zero-shot one. */
  classifier?: ClassifierKind;
  /** Whether the predicted category is right. Implied false by `correctCategory`. Not allowed with 'skip'. */
  categoryCorrect?: boolean;
  /** The right category when the prediction's is wrong. Checked against the prediction's category set. */
  correctCategory?: string;
  note?: string;
  by: string;
}

/** A verdict that cannot be recorded as given (the message says why). */
export class VerdictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerdictError';
  }
}

function chooseClassifier(sc: Sidecar, wanted?: ClassifierKind): ClassifierKind {
  if (wanted) return wanted;
  const awaiting = [...new Set(sc.audit.filter((e) => e.status === 'awaiting').map((e) => e.classifier))];
  if (awaiting.length === 1) return awaiting[0];
  if (awaiting.length > 1) throw new VerdictError(`this image awaits audit for ${awaiting.join(' and ')}; say which classifier`);
  // Visual evidence is what gets audited, and only a VLM writes its own: prefer it.
  if (sc.predictions.vlm) return 'vlm';
  const p = primaryPrediction(sc);
  if (!p) throw new VerdictError('this image has no prediction to audit; classify it first');
  return p.classifier;
}

/** Pure: the sidecar with the verdict recorded. Throws VerdictError for an invalid verdict. */
export function applyVerdict(sc: Sidecar, v: VerdictInput, now = new Date().toISOString()): Sidecar {
  return verdictEntry(sc, v, now).sidecar;
}

/** Like applyVerdict, also returning the entry written. */
export function verdictEntry(sc: Sidecar, v: VerdictInput, now = new Date().toISOString()): { sidecar: Sidecar; entry: AuditEntry } {
  if (v.verdict !== undefined && !AUDIT_VERDICTS.includes(v.verdict)) throw new VerdictError(`unknown verdict "${v.verdict}" (use ${AUDIT_VERDICTS.join(', ')})`);
  if (!v.by.trim()) throw new VerdictError('who recorded the verdict is missing');
  const classifier = chooseClassifier(sc, v.classifier);
  const pred = sc.predictions[classifier];
  if (!pred) throw new VerdictError(`this image has no ${classifier} prediction to audit`);
  const predicted = predictedLabels(pred);
  const right = v.correctCategory?.trim();
  if (v.correctCategory !== undefined && !right) throw new VerdictError('the right category is empty');
  let categoryCorrect = v.categoryCorrect;
  if (right !== undefined) {
    if (categoryCorrect === true) throw new VerdictError('a right category was given, but the category was marked correct');
    categoryCorrect = false;
    const known = Object.keys(pred.category_scores ?? {});
    if (known.length && !known.includes(right)) {
      throw new VerdictError(`"${right}" is not one of this prediction's categories: ${known.join(', ')}`);
    }
    if (predicted.length === 1 && predicted[0] === right) {
      throw new VerdictError(`"${right}" is the predicted category; leave out the right category if the prediction is right`);
    }
  }
  if (v.verdict === 'skip' && categoryCorrect !== undefined) throw new VerdictError('a skipped image gets no category judgment');
  if (v.verdict === undefined) {
    if (categoryCorrect === undefined) throw new VerdictError('give a verdict: the evidence (accurate, partly, hallucinated, skip) or the category (right / wrong)');
    if (classifier !== 'zero-shot') throw new VerdictError(`a ${classifier} prediction states visual evidence: give its evidence verdict too`);
  }
  const top = topCategory(pred);
  const judged: Partial<AuditEntry> = {
    status: 'done',
    classifier,
    checkpoint: pred.checkpoint,
    prompt_version: pred.prompt_version,
    predicted_labels: predicted,
    confidence: top?.confidence,
    verdict: v.verdict,
    category_correct: categoryCorrect,
    correct_category: right,
    note: v.note?.trim() || undefined,
    by: v.by.trim(),
    at: now,
  };
  const idx = sc.audit.map((e, i) => (e.status === 'awaiting' && e.classifier === classifier ? i : -1)).filter((i) => i >= 0).pop();
  const base: AuditEntry =
    idx !== undefined
      ? { ...sc.audit[idx] }
      : { status: 'done', sample_id: MANUAL_SAMPLE_ID, sampled_at: now, classifier, checkpoint: pred.checkpoint, predicted_labels: predicted };
  // Fields of the awaiting entry that this verdict does not set are dropped, not kept stale.
  for (const k of ['prompt_version', 'confidence', 'verdict', 'category_correct', 'correct_category', 'note', 'by', 'at'] as const) delete base[k];
  const entry = { ...base } as AuditEntry;
  for (const [k, val] of Object.entries(judged)) if (val !== undefined) (entry as unknown as Record<string, unknown>)[k] = val;
  const audit = [...sc.audit];
  if (idx !== undefined) audit[idx] = entry;
  else audit.push(entry);
  return { sidecar: { ...sc, audit }, entry };
}

/**
 * Records a verdict in an image's sidecar (atomic, locked). Throws VerdictError for an invalid
 * verdict or a missing sidecar, SidecarCorruptError for a corrupt one (left untouched).
 */
export async function recordVerdict(imagePath: string, v: VerdictInput, now = new Date().toISOString()): Promise<{ sidecar: Sidecar; entry: AuditEntry }> {
  let entry: AuditEntry | undefined;
  const sidecar = await updateSidecar(imagePath, (sc) => {
    if (!sc) throw new VerdictError('this image has no sidecar; classify it first');
    const r = verdictEntry(sc, v, now);
    entry = r.entry;
    return r.sidecar;
  });
  return { sidecar: sidecar!, entry: entry! };
}

export interface AuditProgress {
  sampleId: string;
  done: number;
  awaiting: number;
  /** Units still awaiting, in relPath order. */
  pending: { path: string; relPath: string; classifier: ClassifierKind }[];
}

/** Progress through each drawn sample of a folder, for the panel and the CLI. */
export function auditProgress(images: readonly { path: string; relPath: string; sidecar: Sidecar | null }[]): AuditProgress[] {
  const bySample = new Map<string, AuditProgress>();
  const get = (id: string) => {
    if (!bySample.has(id)) bySample.set(id, { sampleId: id, done: 0, awaiting: 0, pending: [] });
    return bySample.get(id)!;
  };
  for (const img of images) {
    for (const e of img.sidecar?.audit ?? []) {
      if (e.sample_id === MANUAL_SAMPLE_ID) continue;
      const s = get(e.sample_id);
      if (e.status === 'done') s.done++;
      else {
        s.awaiting++;
        s.pending.push({ path: img.path, relPath: img.relPath, classifier: e.classifier });
      }
    }
  }
  const out = [...bySample.values()];
  for (const s of out) s.pending.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return out.sort((a, b) => (a.sampleId < b.sampleId ? -1 : 1));
}
