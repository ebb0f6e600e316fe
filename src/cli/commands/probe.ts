// `image-triage audit probe <folder> [--size N] [--seed S] [--categories <file>] [model/classifier flags] [--json]`
// Re-runs the classifier on a small sample with names only and with shuffled descriptions, and warns
// when the predictions barely change (the descriptions are being ignored).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseCategories } from '../../core/categories';
import { discoverImages } from '../../core/discovery';
import { runDescriptionProbe } from '../../core/audit/probeRun';
import type { Dtype } from '../../classifiers/config';
import { UsageError, choiceFlag, flag, intFlag, parseArgs, type ArgSpec, type CliIO } from '../args';
import { CLASSIFIER_FLAGS, createClassifierFromFlags } from '../classifierFlags';

export const PROBE_USAGE =
  'usage: image-triage audit probe <folder> [--size N (20)] [--seed S] [--categories <file>] [--model …] [--dtype …] [--classifier zero-shot|vlm …] [--json]\n' +
  '  The classifier is set up as classify sets it up: --model, --dtype, --revision, --cache-dir, --threads, --lanes,\n' +
  '  --device, --logit-scale/--logit-bias, --encoder-url [--send-images], --endpoint (--vlm-url), --vlm-model, --concurrency\n' +
  '  (--vlm-concurrency), --vlm-timeout, --vlm-max-side, --cascade-when.';

export const PROBE_ARGS: ArgSpec = { booleans: ['json', 'send-images'], values: ['size', 'seed', 'categories', 'model', 'dtype', 'cache-dir', 'revision', 'threads', 'lanes', ...CLASSIFIER_FLAGS] };

export async function probeCommand(argv: string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  const a = parseArgs(argv, PROBE_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('audit probe takes one folder');
  const root = path.resolve(a.positionals[0]);
  const catFile = path.resolve(flag(a, 'categories') ?? path.join(root, 'categories.json'));
  const text = await fs.readFile(catFile, 'utf8').catch(() => {
    throw new UsageError(`categories file ${catFile} not found; pass --categories <file>`);
  });
  const { set } = parseCategories(text, catFile);
  const size = intFlag(a, 'size', 1, 1000) ?? 20;
  const seed = intFlag(a, 'seed', 0, 2 ** 31 - 1) ?? 1;
  const dtype = choiceFlag<Dtype>(a, 'dtype', ['fp32', 'q8', 'fp16']) ?? 'fp32';
  const { images } = await discoverImages(root, { signal });
  if (!images.length) throw new UsageError(`no images under ${root}`);
  const classifier = await createClassifierFromFlags(a, { dtype, io, isTTY: !!io.isTTY });
  try {
    const r = await runDescriptionProbe(images, set, classifier, { size, seed, signal });
    if (a.flags.has('json')) {
      io.out(JSON.stringify({ checkpoint: classifier.info.checkpoint, ...r }) + '\n');
    } else {
      const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
      io.out(
        [
          `Description probe on ${r.n} images (seed ${seed}), ${classifier.info.kind} ${classifier.info.checkpoint}:`,
          `  names only changed      ${r.names_only_changed.k}/${r.names_only_changed.n} (${pct(r.names_only_changed.rate)}, 95% CI ${pct(r.names_only_changed.lower)}–${pct(r.names_only_changed.upper)})`,
          `  shuffled descriptions   ${r.shuffled_changed.k}/${r.shuffled_changed.n} (${pct(r.shuffled_changed.rate)}, 95% CI ${pct(r.shuffled_changed.lower)}–${pct(r.shuffled_changed.upper)})`,
          r.warning ? `WARNING: ${r.warning}` : 'The predictions follow the descriptions.',
          ...r.errors.map((e) => `  error ${e.relPath}: ${e.message}`),
        ].join('\n') + '\n',
      );
    }
    return r.errors.length ? 2 : 0;
  } finally {
    await classifier.dispose?.();
  }
}
