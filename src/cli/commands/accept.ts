// `image-triage accept <folder> --auto --max-error E [--classifier …] [--threshold T] [--seed S] [--json]`
// `image-triage accept <folder> --undo <run id> [--json]`
// Auto-accepts the unreviewed images at or above a certified threshold (see certify), or undoes a run.
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import type { ClassifierKind } from '../../core/types';
import { parseSeed } from '../../core/audit/prng';
import { certifyState } from '../../core/certify/certify';
import { autoAccept, undoAutoAccept } from '../../core/certify/autoAccept';
import { UsageError, withUsage, choiceFlag, flag, has, parseArgs, type CliIO, type ArgSpec } from '../args';
import { describeState, loadGroup, maxErrorFlag, resolveSample } from './certify';

export const ACCEPT_USAGE = `usage: image-triage accept <folder> --auto --max-error E [--classifier zero-shot|vlm] [--threshold T] [--seed S] [--json]
       image-triage accept <folder> --undo <run id> [--json]
  --auto sets review.status "auto-accepted" (with the threshold, bound and sample as provenance, and a
  run id) on every unreviewed image at or above the threshold that image-triage certify certified for
  E; it refuses (exit 1, nothing written) when nothing is certified. Reviewed images are never touched;
  an image an auditor marked category-wrong is left for review. --undo puts back, byte for byte, every
  sidecar of that run that nobody changed since.`;

const CLASSIFIERS: readonly ClassifierKind[] = ['zero-shot', 'vlm'];

/** The flags the parser accepts (tests compare them with --help and the README). */
export const ACCEPT_ARGS: ArgSpec = { booleans: ['auto', 'json'], values: ['max-error', 'classifier', 'threshold', 'seed', 'undo'] };

async function run(argv: string[], io: CliIO): Promise<number> {
  const a = parseArgs(argv, ACCEPT_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('accept takes one folder');
  const root = path.resolve(a.positionals[0]);
  const st = await fs.stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`${a.positionals[0]} is not a folder`);
  const json = has(a, 'json');
  const undo = flag(a, 'undo');
  if (undo !== undefined) {
    if (has(a, 'auto')) throw new UsageError('give --auto or --undo <run id>, not both');
    let r;
    try {
      r = await undoAutoAccept(root, undo);
    } catch (e) {
      if (e instanceof RangeError || /no auto-accept run/.test((e as Error).message)) throw new UsageError((e as Error).message);
      throw e;
    }
    if (json) io.out(JSON.stringify(r) + '\n');
    else {
      io.out(`Undid ${r.run_id}: ${r.restored.length} sidecar${r.restored.length === 1 ? '' : 's'} restored exactly.\n`);
      if (r.changed.length) io.out(`Left as they are (changed since the run): ${r.changed.join(', ')}\n`);
    }
    return 0;
  }
  if (!has(a, 'auto')) throw new UsageError('give --auto (with --max-error) or --undo <run id>');
  const maxError = maxErrorFlag(flag(a, 'max-error'));
  const classifier = choiceFlag(a, 'classifier', CLASSIFIERS);
  const seedText = flag(a, 'seed');
  const seed = seedText === undefined ? undefined : parseSeed(seedText);
  if (seed === null) throw new UsageError(`--seed must be an integer from 0 to 4294967295 (got "${seedText}")`);
  const tText = flag(a, 'threshold');
  const threshold = tText === undefined ? undefined : Number(tText);
  if (threshold !== undefined && !Number.isFinite(threshold)) throw new UsageError(`--threshold must be a number (got "${tText}")`);

  const { images, g } = await loadGroup(root, classifier, io);
  const ref = g ? resolveSample(images, g, { threshold, seed }) : null;
  if (!g || !ref) {
    io.err(`Refused: nothing is certified in ${a.positionals[0]} (no certification sample${g ? ` for ${g.classifier} ${g.checkpoint}` : ''}). Run image-triage certify ${a.positionals[0]} --max-error ${maxError} first.\n`);
    return 1;
  }
  const state = certifyState(images, g, ref, maxError);
  if (!state.certified) {
    io.err(`Refused: nothing is certified at ≤ ${maxError}; nothing was changed.\n${describeState(state)}`);
    return 1;
  }
  const r = await autoAccept(root, images, state);
  if (json) {
    io.out(JSON.stringify({ run_id: r.run_id, accepted: r.accepted.length, accepted_images: r.accepted, left_known_wrong: r.left_known_wrong, threshold: state.threshold, upper_bound: state.upper_bound, max_error: maxError, classifier: state.classifier, checkpoint: state.checkpoint, run_file: path.relative(root, r.run_file) }) + '\n');
  } else {
    io.out(
      `Auto-accepted ${r.accepted.length} unreviewed image${r.accepted.length === 1 ? '' : 's'} at or above ${state.threshold} (${state.classifier} ${state.checkpoint}; error ≤ ${maxError}, upper bound ${(state.upper_bound * 100).toFixed(2)}%).\n` +
        (r.left_known_wrong.length ? `Left for review (an auditor marked the category wrong): ${r.left_known_wrong.join(', ')}\n` : '') +
        `Run id: ${r.run_id}  (undo: image-triage accept ${a.positionals[0]} --undo ${r.run_id})\n`,
    );
  }
  return 0;
}

export const acceptCommand = withUsage(ACCEPT_USAGE, run);
