// `image-triage adapt <folder> [--json] [--dry-run] [--force] [--model …] [--dtype …] [--cache-dir …]`
// Learns from corrections (classifiers/zeroShot/adaptFolder.ts): fits a linear adapter on the
// folder's human labels and cached image embeddings (no image is re-encoded), reports k-fold
// cross-validated accuracy of adapter and plain zero-shot on the same labels, and re-scores the
// unreviewed images with it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../core/folderIndex';
import { parseCategories } from '../../core/categories';
import { defaultCacheDir } from '../../core/cacheDir';
import type { Dtype } from '../../classifiers/config';
import { ADAPTER_FOLDS, MIN_LABELS_PER_CATEGORY, adaptFolder, recordedCheckpoint } from '../../classifiers/zeroShot/adaptFolder';
import { encoderUrlFromFlags } from '../classifierFlags';
import { UsageError, withUsage, choiceFlag, flag, has, intFlag, parseArgs, type CliIO, type ArgSpec } from '../args';

export const ADAPT_USAGE = `usage: image-triage adapt <folder> [--json] [--dry-run] [--force] [--seed S] [--categories <file>] [--model <id|dir>] [--dtype fp32|q8|fp16] [--cache-dir <dir>]
         [--encoder-url <url> [--send-images]]
  Fits a linear adapter on the folder's human labels (reviews, and audit verdicts naming the right
  category) and its cached image embeddings: logistic regression in the checkpoint's own logit space,
  started at and shrunk towards the zero-shot text prototypes. Reports ${ADAPTER_FOLDS}-fold cross-validated
  accuracy of the adapter and of plain zero-shot on the same labels (copies of an image share a fold),
  then re-scores the unreviewed images: their checkpoint becomes <base>+adapter:<hash>. Needs at least
  ${MIN_LABELS_PER_CATEGORY} labels per category; applies only when the adapter beats zero-shot (--force to apply anyway),
  --dry-run never applies. Defaults: the checkpoint recorded in the folder's predictions. Re-classifying
  with the base checkpoint undoes it. --encoder-url (or $IMAGE_TRIAGE_ENCODER_URL): the prompts and any image
  without a cached embedding are encoded on that Open Inference Protocol server, as classify --encoder-url does.`;

/** The flags the parser accepts (tests compare them with --help and the README). */
export const ADAPT_ARGS: ArgSpec = { booleans: ['json', 'dry-run', 'force', 'send-images'], values: ['model', 'dtype', 'cache-dir', 'categories', 'seed', 'encoder-url'] };

async function run(argv: string[], io: CliIO): Promise<number> {
  const a = parseArgs(argv, ADAPT_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('adapt takes one folder');
  const root = path.resolve(a.positionals[0]);
  const st = await fs.stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`${a.positionals[0]} is not a folder`);
  const json = has(a, 'json');
  const seed = intFlag(a, 'seed', 0, 2 ** 31 - 1) ?? 1;
  const catFile = path.resolve(flag(a, 'categories') ?? path.join(root, 'categories.json'));
  const text = await fs.readFile(catFile, 'utf8').catch(() => {
    throw new UsageError(`categories file ${catFile} not found; pass --categories <file>`);
  });
  const { set } = parseCategories(text, catFile);
  if (set.mode !== 'single_label') throw new UsageError('adapt learns one category per image: it needs a single_label categories file');
  const cacheDir = flag(a, 'cache-dir') ?? defaultCacheDir(io.env);
  const encoderUrl = encoderUrlFromFlags(a, io.env);
  const images = await indexFolder(root);
  if (!flag(a, 'model') && !recordedCheckpoint(images)) throw new UsageError('no zero-shot predictions in the folder: classify it first (or pass --model)');
  const r = await adaptFolder(images, {
    set,
    cacheDir,
    model: flag(a, 'model'),
    dtype: choiceFlag<Dtype>(a, 'dtype', ['fp32', 'q8', 'fp16']),
    encoderUrl,
    seed,
    dryRun: has(a, 'dry-run'),
    force: has(a, 'force'),
    warn: (t) => io.err(t + '\n'),
  });
  if (json) {
    io.out(JSON.stringify(r) + '\n');
    return r.refused ? 1 : 0;
  }
  if (r.refused) {
    io.err(`Nothing changed: ${r.refused}\n`);
    return 1;
  }
  const names = set.categories.map((c) => c.name);
  const pct = (p: { rate: number | null; lower: number | null; upper: number | null }) => `${(p.rate! * 100).toFixed(1)}% [${(p.lower! * 100).toFixed(1)}, ${(p.upper! * 100).toFixed(1)}]`;
  io.out(
    [
      `Adapter for ${r.base_checkpoint} from ${r.labels} human labels: ${names.map((n) => `${n} ${r.per_category[n]}`).join(', ')}`,
      `${r.folds}-fold cross-validated accuracy on the same labels (95% Wilson; no held-out image was trained on):`,
      `  adapter    ${pct(r.cv!.adapter)}`,
      `  zero-shot  ${pct(r.cv!.zero_shot)}`,
      has(a, 'dry-run')
        ? 'Dry run: nothing applied.'
        : r.applied
          ? `Re-scored ${r.rescored} unreviewed image${r.rescored === 1 ? '' : 's'} as ${r.checkpoint} (final fit ${r.fit_ms} ms). Re-classify with ${r.base_checkpoint} to undo.`
          : 'Not applied: the adapter does not beat zero-shot in cross-validation (--force to apply anyway).',
    ].join('\n') + '\n',
  );
  return 0;
}

export const adaptCommand = withUsage(ADAPT_USAGE, run);
