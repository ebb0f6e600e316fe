// `image-triage audit sample <folder> (--size N | --margin M) [--seed S] [--classifier zero-shot|vlm]`
// `image-triage audit mark <image> --verdict accurate|partly|hallucinated|skip [--category-wrong <right>] …`
// Sampling prints the sampled images one per line (the same lines for the same seed and predictions)
// and marks each as awaiting audit in its sidecar. Marking records a verdict the way the panel does.
import { PROBE_USAGE, probeCommand } from './probe';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../core/folderIndex';
import { SidecarCorruptError } from '../../core/sidecarStore';
import type { AuditVerdict, ClassifierKind } from '../../core/types';
import { drawSample, markSampled, sampleCandidates } from '../../core/audit/sampling';
import { parseSeed } from '../../core/audit/prng';
import { AUDIT_VERDICTS, VerdictError, recordVerdict } from '../../core/audit/verdict';
import { UsageError, choiceFlag, flag, has, parseArgs, type CliIO, type ArgSpec } from '../args';
import { reviewer } from './review';

export const AUDIT_SAMPLE_USAGE =
  'usage: image-triage audit sample <folder> (--size N | --margin M) [--seed S] [--classifier zero-shot|vlm] [--p P]';
export const AUDIT_MARK_USAGE =
  'usage: image-triage audit mark <image> [--verdict accurate|partly|hallucinated|skip] [--category-right | --category-wrong <right category>] [--note <text>] [--by <name>] [--classifier zero-shot|vlm]';
export const AUDIT_USAGE = `${AUDIT_SAMPLE_USAGE}
  Draws a reproducible sample stratified by classifier × predicted category × confidence, prints one
  line per sampled image (relPath; "relPath<TAB>classifier" when the sample spans both classifiers)
  and marks each as awaiting audit. --size is a count; --margin a target 95% Wilson margin of error
  for the hallucination rate per classifier (worst case p = 0.5 unless --p is given). Default seed: 1.
${AUDIT_MARK_USAGE}
  With --verdict and without --category-wrong the predicted category is recorded as right (except for
  skip). For a zero-shot prediction (which claims no visual evidence) --category-right or
  --category-wrong alone is enough: that is how the units of a certification sample are judged.
${PROBE_USAGE}
  Re-classifies a seeded sample with names only and with shuffled descriptions; warns when the
  predictions barely change (the classifier ignores the descriptions).`;

/** Seed used when --seed is not given, so that a plain `audit sample` is reproducible too. */
export const DEFAULT_AUDIT_SEED = 1;

const CLASSIFIERS: readonly ClassifierKind[] = ['zero-shot', 'vlm'];

function numberFlag(v: string | undefined, name: string, ok: (n: number) => boolean, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!v.trim() || !Number.isFinite(n) || !ok(n)) throw new UsageError(`--${name} must be ${what} (got "${v}")`);
  return n;
}

/** The flags the parser accepts (tests compare them with --help and the README). */
export const AUDIT_MARK_ARGS: ArgSpec = { booleans: ['category-right'], values: ['verdict', 'category-wrong', 'note', 'by', 'classifier'] };
export const AUDIT_SAMPLE_ARGS: ArgSpec = { values: ['size', 'seed', 'margin', 'classifier', 'p'] };

async function sample(argv: string[], io: CliIO): Promise<number> {
  const a = parseArgs(argv, AUDIT_SAMPLE_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('audit sample takes one folder');
  const size = numberFlag(flag(a, 'size'), 'size', (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
  const margin = numberFlag(flag(a, 'margin'), 'margin', (n) => n > 0 && n < 0.5, 'a number between 0 and 0.5, e.g. 0.05');
  const p = numberFlag(flag(a, 'p'), 'p', (n) => n >= 0 && n <= 1, 'a rate from 0 to 1');
  if ((size === undefined) === (margin === undefined)) throw new UsageError('give --size N or --margin M (one of them)');
  if (p !== undefined && margin === undefined) throw new UsageError('--p only applies with --margin');
  const seedText = flag(a, 'seed');
  const seed = seedText === undefined ? DEFAULT_AUDIT_SEED : parseSeed(seedText);
  if (seed === null) throw new UsageError(`--seed must be an integer from 0 to 4294967295 (got "${seedText}")`);
  const classifier = choiceFlag(a, 'classifier', CLASSIFIERS);
  const root = path.resolve(a.positionals[0]);
  const st = await fs.stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`${a.positionals[0]} is not a folder`);

  const images = await indexFolder(root);
  for (const img of images) if (img.sidecarError) io.err(`skipped ${img.relPath}: ${img.sidecarError}\n`);
  const candidates = sampleCandidates(images, { classifier });
  if (!candidates.length) {
    io.err(`No ${classifier ?? ''}${classifier ? ' ' : ''}predictions in ${a.positionals[0]} to sample: classify it first.\n`);
    return 1;
  }
  const s = drawSample(candidates, { seed, size, margin, p });
  const marked = await markSampled(s);
  const several = new Set(s.items.map((i) => i.classifier)).size > 1;
  for (const item of s.items) io.out(several ? `${item.relPath}\t${item.classifier}\n` : `${item.relPath}\n`);
  const strata = s.strata.filter((x) => x.sampled > 0).length;
  io.err(
    `Sampled ${s.items.length} of ${s.population} predictions from ${strata} of ${s.strata.length} strata (seed ${seed}, sample ${s.sampleId}); ` +
      `${marked.marked} marked awaiting audit` +
      (marked.alreadyAwaiting ? `, ${marked.alreadyAwaiting} already awaiting` : '') +
      (marked.missing ? `, ${marked.missing} gone since indexing` : '') +
      '.\n',
  );
  return 0;
}

async function mark(argv: string[], io: CliIO): Promise<number> {
  const a = parseArgs(argv, AUDIT_MARK_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('audit mark takes one image');
  const verdict = choiceFlag<AuditVerdict>(a, 'verdict', AUDIT_VERDICTS);
  const right = flag(a, 'category-wrong');
  const saysRight = has(a, 'category-right');
  if (!verdict && right === undefined && !saysRight) throw new UsageError('give --verdict, --category-right or --category-wrong <right category>');
  if (saysRight && right !== undefined) throw new UsageError('--category-right and --category-wrong contradict each other');
  const classifier = choiceFlag(a, 'classifier', CLASSIFIERS);
  if ((right !== undefined || saysRight) && verdict === 'skip') throw new UsageError('a skipped image gets no category verdict');
  const imagePath = path.resolve(a.positionals[0]);
  try {
    const { entry: e } = await recordVerdict(imagePath, {
      verdict,
      classifier,
      ...(verdict === 'skip' ? {} : right !== undefined ? { correctCategory: right } : { categoryCorrect: true }),
      note: flag(a, 'note'),
      by: flag(a, 'by') ?? reviewer(io.env),
    });
    const cat = e.category_correct === undefined ? '' : e.category_correct ? 'category right' : `category wrong (right: ${e.correct_category})`;
    io.out(`${a.positionals[0]}: ${[e.verdict, cat].filter(Boolean).join(', ')} [${e.classifier} ${e.checkpoint}]\n`);
    return 0;
  } catch (err) {
    if (err instanceof VerdictError || err instanceof SidecarCorruptError) {
      io.err(`${a.positionals[0]}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

export async function auditCommand(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'sample') return await sample(rest, io);
    if (sub === 'mark') return await mark(rest, io);
    if (sub === 'probe') return await probeCommand(rest, io);
    if (sub === undefined || sub === 'help' || sub === '--help') {
      io.out(AUDIT_USAGE + '\n');
      return sub === undefined ? 1 : 0;
    }
    throw new UsageError(`unknown audit command "${sub}" (use sample, mark or probe)`);
  } catch (e) {
    if (e instanceof UsageError) {
      const usage = sub === 'mark' ? AUDIT_MARK_USAGE : sub === 'sample' ? AUDIT_SAMPLE_USAGE : AUDIT_USAGE;
      io.err(`error: ${e.message}\n${usage}\n`);
      return 1;
    }
    throw e;
  }
}
