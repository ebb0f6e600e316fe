// Auto-accept at a certified threshold, and its byte-exact undo. Only images whose review is still
// 'pending' are touched, each re-checked under its sidecar lock; a human decision is never changed.
// The run journal (<folder>/.image-triage/accept-runs/<run id>.jsonl: a header line, then one line per
// image, appended and fsync'd before that sidecar changes) holds every touched sidecar's text before
// the run and the sha256 of the text the run wrote: undo puts the old text back only
// where the sidecar still holds exactly what the run wrote.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Review, ReviewEvent, Sidecar } from '../types';
import { predictedLabels, sidecarProblem } from '../sidecar';
import { sidecarText, updateSidecarText } from '../sidecarStore';
import { writeFileAtomic } from '../atomicWrite';
import { sweepDir } from '../leftovers';
import { sha256Hex } from '../hash';
import { certifyScore, type CertifyGroup, type CertifyImage, type CertifyState } from './certify';

export const RUNS_DIR = path.join('.image-triage', 'accept-runs');

/** Temp files a killed run or undo left in the journal folder (their process is gone) are removed first. */
const sweepRuns = (root: string) => sweepDir(path.join(root, RUNS_DIR));
const RUN_ID = /^aa-[0-9a-z-]{6,60}$/;

export interface RunHeader {
  run_id: string;
  created_at: string;
  state: Pick<CertifyState, 'classifier' | 'checkpoint' | 'categories_hash' | 'threshold' | 'max_error' | 'upper_bound' | 'sample_id' | 'sample_size' | 'errors' | 'method'>;
}
interface RunLine {
  relPath: string;
  before: string;
  after_sha256: string;
}

export function newRunId(now: Date): string {
  return `aa-${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
}

export function runFile(root: string, runId: string): string {
  if (!RUN_ID.test(runId)) throw new RangeError(`"${runId}" is not an auto-accept run id (they look like aa-20261201013000-1a2b3c)`);
  return path.join(root, RUNS_DIR, `${runId}.jsonl`);
}

/** Category-wrong verdicts on the image for this group: a person said the prediction is wrong. */
function knownWrong(sc: Sidecar, g: CertifyGroup): boolean {
  return sc.audit.some((e) => e.status === 'done' && e.category_correct === false && e.classifier === g.classifier && e.checkpoint === g.checkpoint);
}

/** The image's sidecar with the auto-accept applied, or null when it is no longer eligible. */
export function autoAccepted(sc: Sidecar, s: CertifyState, runId: string, now: string): Sidecar | null {
  const g: CertifyGroup = { classifier: s.classifier, checkpoint: s.checkpoint, categoriesHash: s.categories_hash };
  const p = sc.predictions[g.classifier];
  if (sc.review.status !== 'pending' || !p || p.checkpoint !== g.checkpoint || p.categories_hash !== g.categoriesHash) return null;
  const score = certifyScore(p);
  if (score === null || score < s.threshold || knownWrong(sc, g)) return null;
  const labels = predictedLabels(p);
  const ev: ReviewEvent = { action: 'auto-accept', status: 'auto-accepted', labels, by: 'image-triage', at: now, reason: `auto-accept run ${runId}: score ${score} ≥ certified threshold ${s.threshold}` };
  const review: Review = {
    status: 'auto-accepted',
    labels,
    by: 'image-triage',
    at: now,
    based_on: { classifier: p.classifier, labels, categories_hash: p.categories_hash, checkpoint: p.checkpoint },
    auto: {
      run_id: runId,
      score,
      threshold: s.threshold,
      max_error: s.max_error,
      upper_bound: s.upper_bound,
      method: s.method,
      sample_id: s.sample_id,
      sample_size: s.sample_size,
      errors: s.errors,
    },
    history: [...sc.review.history, ev],
  };
  return { ...sc, review };
}

export interface AcceptResult {
  run_id: string;
  accepted: string[];
  /** Eligible by score but left for a person: a verdict said the category is wrong. */
  left_known_wrong: string[];
  run_file: string;
}

export async function autoAccept(root: string, images: readonly CertifyImage[], s: CertifyState, now = new Date()): Promise<AcceptResult> {
  await sweepRuns(root);
  if (!s.certified) throw new Error('nothing is certified');
  const runId = newRunId(now);
  const at = now.toISOString();
  const g: CertifyGroup = { classifier: s.classifier, checkpoint: s.checkpoint, categoriesHash: s.categories_hash };
  const planned: { path: string; relPath: string }[] = [];
  const leftWrong: string[] = [];
  for (const img of images) {
    if (!img.sidecar) continue;
    if (autoAccepted(img.sidecar, s, runId, at)) planned.push(img);
    else if (img.sidecar.review.status === 'pending' && knownWrong(img.sidecar, g)) {
      const p = img.sidecar.predictions[g.classifier];
      const score = p ? certifyScore(p) : null;
      if (score !== null && score >= s.threshold) leftWrong.push(img.relPath);
    }
  }
  const header: RunHeader = {
    run_id: runId,
    created_at: at,
    state: { classifier: s.classifier, checkpoint: s.checkpoint, categories_hash: s.categories_hash, threshold: s.threshold, max_error: s.max_error, upper_bound: s.upper_bound, sample_id: s.sample_id, sample_size: s.sample_size, errors: s.errors, method: s.method },
  };
  const file = runFile(root, runId);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const journal = await fs.open(file, 'wx');
  const append = async (line: unknown) => {
    await journal.write(JSON.stringify(line) + '\n');
    await journal.datasync();
  };
  const accepted: string[] = [];
  try {
    await append(header);
    for (const img of planned) {
      await updateSidecarText(img.path, async (text) => {
        if (text === null) return null;
        let sc: Sidecar;
        try {
          sc = JSON.parse(text) as Sidecar;
        } catch {
          return null;
        }
        if (sidecarProblem(sc)) return null;
        const next = autoAccepted({ ...sc, errors: sc.errors ?? {}, audit: sc.audit ?? [] }, s, runId, at);
        if (!next) return null;
        const out = sidecarText(next);
        // The before text is on disk before the sidecar changes: a crash mid-run loses no undo.
        const line: RunLine = { relPath: img.relPath, before: text, after_sha256: sha256Hex(out) };
        await append(line);
        accepted.push(img.relPath);
        return out;
      });
    }
  } finally {
    await journal.close();
  }
  return { run_id: runId, accepted, left_known_wrong: leftWrong, run_file: file };
}

export interface UndoResult {
  run_id: string;
  restored: string[];
  /** Changed since the run (a person reviewed, re-classified...): left as they are. */
  changed: string[];
}

export async function undoAutoAccept(root: string, runId: string): Promise<UndoResult> {
  await sweepRuns(root);
  const file = runFile(root, runId);
  const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') throw new Error(`no auto-accept run ${runId} in ${root}`);
    throw e;
  });
  const lines = text.split('\n').filter(Boolean);
  const images: RunLine[] = [];
  // A crash can cut the last line short: that image's sidecar was not written yet.
  for (const l of lines.slice(1)) {
    try {
      images.push(JSON.parse(l) as RunLine);
    } catch {
      /* the torn last line */
    }
  }
  const restored: string[] = [];
  const changed: string[] = [];
  for (const img of images) {
    const abs = path.resolve(root, img.relPath);
    if (path.relative(root, abs).startsWith('..')) throw new Error(`run ${runId} names a path outside the folder: ${img.relPath}`);
    await updateSidecarText(abs, (cur) => {
      if (cur === null || sha256Hex(cur) !== img.after_sha256) {
        if (cur !== img.before) changed.push(img.relPath);
        else restored.push(img.relPath);
        return null;
      }
      restored.push(img.relPath);
      return img.before;
    });
  }
  await fs.rename(file, file.replace(/\.jsonl$/, '.undone.jsonl'));
  await writeFileAtomic(file.replace(/\.jsonl$/, '.undone.json'), JSON.stringify({ run_id: runId, undone_at: new Date().toISOString(), restored, changed }, null, 1) + '\n');
  return { run_id: runId, restored, changed };
}
