// The host-side audit of one reviewed folder: draws a seeded stratified sample (core sampling), marks
// it awaiting audit, records each verdict at once through the core (verdictEntry inside the atomic,
// locked updateSidecar: what recordVerdict does), lets a later verdict on the same unit replace the
// earlier one, and undoes a verdict by restoring the sidecar's previous audit list exactly.
// Pure Node (no vscode), so it is unit tested against real files.
import type { AuditEntry, ClassifierKind, Sidecar } from '../../core/types';
import { SIDECAR_SUFFIX } from '../../core/types';
import { drawSample, markSampled, sampleCandidates, type AuditSample, type MarkResult, type SampleCandidate } from '../../core/audit/sampling';
import { MANUAL_SAMPLE_ID, VerdictError, verdictEntry } from '../../core/audit/verdict';
import { updateSidecar } from '../../core/sidecarStore';
import type { AuditItem, AuditState } from '../../shared/auditData';
import type { WebviewMessageOf } from '../../shared/protocol';
import type { ReviewSession } from './reviewSession';

interface Unit {
  id: string;
  classifier: ClassifierKind;
  sampleId: string;
}

interface Written {
  id: string;
  path: string;
  classifier: ClassifierKind;
  before: AuditEntry[];
  after: AuditEntry[];
}

/** A verdict as the panel sends it, less the message envelope. */
export type VerdictRequest = Omit<WebviewMessageOf<'auditVerdict'>, 'type' | 'requestId'>;

/** An undo that would overwrite a change made since (by the CLI, git, another window). */
export class AuditConflictError extends Error {}

/** Fields a verdict sets; clearing them turns a done entry back into an awaiting one. */
const JUDGED = ['prompt_version', 'confidence', 'verdict', 'category_correct', 'correct_category', 'note', 'by', 'at'] as const;
const MAX_UNDO = 200;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function lastIndex<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i])) return i;
  return -1;
}

/** The sidecar with the unit's entry awaiting again, so that a new verdict replaces the old one. */
function reopened(sc: Sidecar, u: Unit): Sidecar {
  const awaiting = lastIndex(sc.audit, (e) => e.status === 'awaiting' && e.classifier === u.classifier);
  if (awaiting >= 0) {
    if (sc.audit[awaiting].sample_id !== u.sampleId) throw new VerdictError(`${u.id} awaits audit in another sample (${sc.audit[awaiting].sample_id})`);
    return sc;
  }
  const done = lastIndex(sc.audit, (e) => e.status === 'done' && e.sample_id === u.sampleId && e.classifier === u.classifier);
  if (done < 0) throw new VerdictError(`${u.id} has no audit entry of sample ${u.sampleId} any more (its sidecar changed elsewhere)`);
  const entry: AuditEntry = { ...sc.audit[done], status: 'awaiting' };
  for (const k of JUDGED) delete entry[k];
  const audit = [...sc.audit];
  audit[done] = entry;
  return { ...sc, audit };
}

export class AuditSession {
  private sample: { sampleId: string; seed: number | null; population: number | null; units: Unit[] } | null = null;
  private written: Written[] = [];

  constructor(private readonly session: ReviewSession) {
    this.sample = this.latestInSidecars();
  }

  get active(): boolean {
    return !!this.sample;
  }

  /** Every prediction of the folder, as sampling units. */
  candidates(): SampleCandidate[] {
    return sampleCandidates(this.session.all().map((i) => ({ path: i.path, relPath: i.id, sidecar: i.sidecar })));
  }

  /** The sample in progress when it still has units awaiting a verdict. */
  unfinished(): AuditState | null {
    const s = this.state();
    return s && s.items.some((i) => i.status === 'awaiting') ? s : null;
  }

  /** Draws a sample, marks it awaiting audit, re-reads the marked sidecars and makes it current. */
  async draw(size: number, seed: number, now = new Date().toISOString()): Promise<{ sample: AuditSample; marked: MarkResult; changed: string[] }> {
    const sample = drawSample(this.candidates(), { seed, size });
    const marked = await markSampled(sample, now);
    const changed: string[] = [];
    for (const p of new Set(sample.items.map((i) => i.path))) {
      const s = await this.session.refreshFromDisk(p + SIDECAR_SUFFIX);
      if (s) changed.push(s.id);
    }
    const units = sample.items.map((item): Unit => {
      const sc = this.session.get(item.relPath)?.sidecar;
      const waiting = sc?.audit.find((e) => e.status === 'awaiting' && e.classifier === item.classifier);
      return { id: item.relPath, classifier: item.classifier, sampleId: waiting?.sample_id ?? sample.sampleId };
    });
    this.sample = { sampleId: sample.sampleId, seed, population: sample.population, units };
    return { sample, marked, changed };
  }

  /** The current sample with each unit's status and verdict as the sidecars hold them now. */
  state(): AuditState | null {
    if (!this.sample) return null;
    const items = this.sample.units.map((u): AuditItem => {
      const sc = this.session.get(u.id)?.sidecar;
      const e = sc ? sc.audit[lastIndex(sc.audit, (x) => x.sample_id === u.sampleId && x.classifier === u.classifier)] : undefined;
      if (!e) return { ...u, status: 'missing' };
      const item: AuditItem = { ...u, status: e.status };
      if (e.status !== 'done') return item;
      if (e.verdict) item.verdict = e.verdict;
      if (e.category_correct !== undefined) item.categoryCorrect = e.category_correct;
      if (e.correct_category !== undefined) item.correctCategory = e.correct_category;
      if (e.note !== undefined) item.note = e.note;
      if (e.by !== undefined) item.by = e.by;
      if (e.at !== undefined) item.at = e.at;
      return item;
    });
    const { sampleId, seed, population } = this.sample;
    return { sampleId, seed, population, items, done: items.filter((i) => i.status === 'done').length };
  }

  /** Verdicts and undos run one after another: an undo asked while a verdict is being written undoes that verdict. */
  private queue: Promise<unknown> = Promise.resolve();
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Records a verdict on a unit of the current sample, replacing an earlier verdict on it. */
  verdict(r: VerdictRequest, now = new Date().toISOString()): Promise<AuditEntry> {
    return this.serial(() => this.writeVerdict(r, now));
  }

  private async writeVerdict(r: VerdictRequest, now: string): Promise<AuditEntry> {
    const u = this.sample?.units.find((x) => x.id === r.id && x.classifier === r.classifier);
    if (!u) throw new VerdictError(`${r.id} (${r.classifier}) is not part of the audit sample in progress`);
    const img = this.session.get(r.id);
    if (!img) throw new VerdictError(`${r.id} is not in this folder any more`);
    let w: Written | undefined;
    let entry: AuditEntry | undefined;
    const written = await updateSidecar(img.path, (sc) => {
      if (!sc) throw new VerdictError(`${r.id} has no sidecar any more; classify it first`);
      const out = verdictEntry(
        reopened(sc, u),
        { verdict: r.verdict, classifier: r.classifier, categoryCorrect: r.categoryCorrect, correctCategory: r.correctCategory, note: r.note, by: this.session.by },
        now,
      );
      if (out.entry.sample_id !== u.sampleId) throw new VerdictError(`${r.id}: the verdict did not land on sample ${u.sampleId}`);
      w = { id: r.id, path: img.path, classifier: r.classifier, before: sc.audit, after: out.sidecar.audit };
      entry = out.entry;
      return out.sidecar;
    });
    img.sidecar = written;
    img.sidecarError = undefined;
    this.written.push(w!);
    if (this.written.length > MAX_UNDO) this.written.shift();
    return entry!;
  }

  /**
   * Undoes the last verdict: the sidecar's audit list goes back to exactly what it was before. Refused
   * (AuditConflictError, nothing written) when the list changed since. Null when there is nothing to undo.
   */
  undo(): Promise<{ id: string; classifier: ClassifierKind } | null> {
    return this.serial(() => this.undoLast());
  }

  private async undoLast(): Promise<{ id: string; classifier: ClassifierKind } | null> {
    const w = this.written[this.written.length - 1];
    if (!w) return null;
    let conflict = false;
    const written = await updateSidecar(w.path, (sc) => {
      if (!sc || !same(sc.audit, w.after)) {
        conflict = true;
        return null;
      }
      return { ...sc, audit: w.before };
    });
    this.written.pop();
    if (conflict) throw new AuditConflictError(`${w.id}: its audit entries changed on disk since the verdict; nothing was undone`);
    const img = this.session.get(w.id);
    if (img) img.sidecar = written;
    return { id: w.id, classifier: w.classifier };
  }

  /**
   * Makes a sample drawn outside this session (the dashboard's certification sample, the CLI's) the
   * current one, as the sidecars hold it. False when no sidecar has a unit of it.
   */
  adopt(sampleId: string): boolean {
    const s = this.latestInSidecars(sampleId);
    if (s) this.sample = s;
    return !!s;
  }

  /** The latest drawn sample in the sidecars (one still awaiting verdicts first), in relPath order. */
  private latestInSidecars(only?: string): AuditSession['sample'] {
    const samples = new Map<string, { at: string; open: boolean; seed: number | null; units: Unit[] }>();
    const images = this.session.all().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const img of images) {
      for (const e of img.sidecar?.audit ?? []) {
        if (e.sample_id === MANUAL_SAMPLE_ID || (only !== undefined && e.sample_id !== only)) continue;
        const s = samples.get(e.sample_id) ?? { at: '', open: false, seed: e.seed ?? null, units: [] };
        samples.set(e.sample_id, s);
        if (e.sampled_at > s.at) s.at = e.sampled_at;
        if (e.status === 'awaiting') s.open = true;
        if (!s.units.some((u) => u.id === img.id && u.classifier === e.classifier)) s.units.push({ id: img.id, classifier: e.classifier, sampleId: e.sample_id });
      }
    }
    const best = [...samples.entries()].sort(([, a], [, b]) => Number(b.open) - Number(a.open) || (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))[0];
    return best ? { sampleId: best[0], seed: best[1].seed, population: null, units: best[1].units } : null;
  }
}

/**
 * The Start Audit input: a sample size ("30"), optionally with a seed ("30 seed 7", "30, 7"). Returns
 * the size and seed, or what is wrong with the text.
 */
export function parseSampleInput(text: string, defaultSeed: number, population: number): { size: number; seed: number } | string {
  const m = /^\s*(\d+)\s*(?:,?\s*(?:seed\s*)?(\d+))?\s*$/i.exec(text);
  const range = `a number from 1 to ${population}`;
  if (!m) return `Enter how many predictions to audit (${range}), optionally "seed S".`;
  const size = Number(m[1]);
  if (!Number.isSafeInteger(size) || size < 1 || size > population) return `The sample size must be ${range}.`;
  if (m[2] === undefined) return { size, seed: defaultSeed };
  const seed = Number(m[2]);
  if (!Number.isSafeInteger(seed) || seed > 0xffffffff) return 'The seed must be an integer from 0 to 4294967295.';
  return { size, seed };
}
