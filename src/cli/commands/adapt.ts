// `image-triage adapt <folder> [--json] [--dry-run] [--force] [--model …] [--dtype …] [--cache-dir …]`
// Learns from corrections: fits a linear adapter on the folder's human labels and cached image
// embeddings (no image is re-encoded), reports k-fold cross-validated accuracy of adapter and plain
// zero-shot on the same labels, and re-scores the unreviewed images with it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../core/folderIndex';
import { categoriesHash, parseCategories } from '../../core/categories';
import { applyPrediction } from '../../core/sidecar';
import { SidecarCorruptError, updateSidecar } from '../../core/sidecarStore';
import { sha256Hex } from '../../core/hash';
import { humanLabels } from '../../core/adapt/labels';
import { defaultCacheDir } from '../../core/cacheDir';
import type { Dtype } from '../../classifiers/config';
import { createZeroShotClassifier } from '../../classifiers/zeroShot';
import { folderMatrix, type ZeroShotKeyed } from '../../classifiers/zeroShot/folderEmbeddings';
import { fitAdapterInWorker } from '../../classifiers/zeroShot/adapterFit';
import { UsageError, choiceFlag, flag, has, intFlag, parseArgs, type CliIO } from '../args';

export const MIN_LABELS_PER_CATEGORY = 5;
export const ADAPTER_FOLDS = 5;
export const ADAPTER_METHOD = 'logistic regression in the checkpoint logit space, started at and L2-shrunk towards the zero-shot text prototypes (λ = 1; CLAP-style)';

export const ADAPT_USAGE = `usage: image-triage adapt <folder> [--json] [--dry-run] [--force] [--seed S] [--categories <file>] [--model <id|dir>] [--dtype fp32|q8|fp16] [--cache-dir <dir>]
  Fits a linear adapter on the folder's human labels (reviews, and audit verdicts naming the right
  category) and its cached image embeddings: logistic regression in the checkpoint's own logit space,
  started at and shrunk towards the zero-shot text prototypes. Reports ${ADAPTER_FOLDS}-fold cross-validated
  accuracy of the adapter and of plain zero-shot on the same labels (copies of an image share a fold),
  then re-scores the unreviewed images: their checkpoint becomes <base>+adapter:<hash>. Needs at least
  ${MIN_LABELS_PER_CATEGORY} labels per category; applies only when the adapter beats zero-shot (--force to apply anyway),
  --dry-run never applies. Defaults: the checkpoint recorded in the folder's predictions. Re-classifying
  with the base checkpoint undoes it.`;

const baseOf = (checkpoint: string) => checkpoint.split('+adapter:')[0];

async function run(argv: string[], io: CliIO): Promise<number> {
  const a = parseArgs(argv, { booleans: ['json', 'dry-run', 'force'], values: ['model', 'dtype', 'cache-dir', 'categories', 'seed'] });
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
  const names = set.categories.map((c) => c.name);
  const hash = categoriesHash(set);
  const cacheDir = flag(a, 'cache-dir') ?? defaultCacheDir(io.env);
  const images = await indexFolder(root);

  // The base checkpoint: the folder's most used zero-shot one (an earlier adapter counts as its base).
  const counts = new Map<string, { n: number; model: string; revision: string; dtype: string }>();
  for (const img of images) {
    const p = img.sidecar?.predictions['zero-shot'];
    if (!p) continue;
    const key = JSON.stringify([baseOf(p.checkpoint), p.revision, p.dtype]);
    const c = counts.get(key) ?? { n: 0, model: baseOf(p.checkpoint), revision: p.revision, dtype: p.dtype };
    c.n++;
    counts.set(key, c);
  }
  const recorded = [...counts.values()].sort((x, y) => y.n - x.n)[0];
  const model = flag(a, 'model') ?? recorded?.model;
  if (!model) throw new UsageError('no zero-shot predictions in the folder: classify it first (or pass --model)');
  const dtype = choiceFlag<Dtype>(a, 'dtype', ['fp32', 'q8', 'fp16']) ?? ((recorded?.dtype as Dtype) || 'fp32');

  const labels = humanLabels(images, names);
  const perCategory = Object.fromEntries(names.map((n) => [n, labels.filter((l) => l.label === n).length]));
  const short = names.filter((n) => perCategory[n] < MIN_LABELS_PER_CATEGORY);
  const refuse = (reason: string) => {
    if (json) io.out(JSON.stringify({ applied: false, refused: reason, labels: labels.length, per_category: perCategory, cv_accuracy: null, zero_shot_accuracy: null, rescored: 0 }) + '\n');
    else io.err(`Nothing changed: ${reason}\n`);
    return 1;
  };
  if (short.length) {
    return refuse(
      `too few human labels to learn from and to cross-validate honestly: ${short.map((n) => `${n} ${perCategory[n]}`).join(', ')} ` +
        `(need ${MIN_LABELS_PER_CATEGORY} per category; ${labels.length} labels in all). Review or audit more images of those categories.`,
    );
  }

  const classifier = await createZeroShotClassifier({ kind: 'zero-shot', model, dtype, cacheDir });
  try {
    const key = { model: classifier.info.checkpoint, revision: classifier.info.revision, dtype: classifier.info.dtype };
    const keyed = (list: typeof images) => list as unknown as ZeroShotKeyed[];
    const byPath = new Map(images.map((i) => [i.relPath, i]));
    const lm = await folderMatrix(keyed(labels.map((l) => byPath.get(l.relPath)!)), path.join(cacheDir, 'embeddings'), key);
    if (lm.missing.length) io.err(`${lm.missing.length} labelled image(s) have no cached embedding for ${key.model} and are left out (classify the folder with it first)\n`);
    const used = labels.filter((l) => lm.ids.includes(l.relPath));
    const usedShort = names.filter((n) => used.filter((l) => l.label === n).length < MIN_LABELS_PER_CATEGORY);
    if (usedShort.length) return refuse(`too few labelled images with cached embeddings for ${key.model}: ${usedShort.join(', ')} (need ${MIN_LABELS_PER_CATEGORY} per category)`);
    const cats = await classifier.categoryEmbeddings(set);
    const d = lm.dim;
    if (cats.ensembled[0].length !== d) throw new UsageError(`cached embeddings have ${d} dimensions, the model's text tower ${cats.ensembled[0].length}: wrong --model?`);
    const v0 = new Float32Array(names.length * d);
    cats.ensembled.forEach((e, c) => v0.set(e, c * d));
    const labelOf = new Map(used.map((l) => [l.relPath, l]));
    const job = {
      x: lm.vectors.slice(),
      y: Int32Array.from(lm.ids, (id) => names.indexOf(labelOf.get(id)!.label)),
      groups: lm.ids.map((id) => labelOf.get(id)!.sha256),
      n: lm.ids.length,
      d,
      k: names.length,
      v0,
      scale: classifier.logit.scale,
      bias: classifier.logit.bias ?? 0,
      kind: classifier.towers.scoreKind,
      folds: ADAPTER_FOLDS,
      seed,
    };
    const r = await fitAdapterInWorker(job);
    const adapterHash = sha256Hex(Buffer.concat([Buffer.from(`${key.model}\n${key.revision}\n${key.dtype}\n${hash}\n`), Buffer.from(r.v.buffer, r.v.byteOffset, r.v.byteLength)])).slice(0, 12);
    const checkpoint = `${key.model}+adapter:${adapterHash}`;
    const cv = r.cv.adapter.rate!;
    const zs = r.cv.zero_shot.rate!;
    const beats = cv > zs;
    const apply = !has(a, 'dry-run') && (beats || has(a, 'force'));
    let rescored = 0;
    if (apply) {
      const targets = images.filter((img) => {
        const p = img.sidecar?.predictions['zero-shot'];
        return img.sidecar?.review.status === 'pending' && p && baseOf(p.checkpoint) === key.model && p.categories_hash === hash;
      });
      const tm = await folderMatrix(keyed(targets), path.join(cacheDir, 'embeddings'), key);
      const adapted = { ...cats, ensembled: names.map((_, c) => r.v.slice(c * d, (c + 1) * d)) };
      const now = new Date().toISOString();
      const info = { base_checkpoint: key.model, hash: adapterHash, labels: job.n, method: ADAPTER_METHOD, cv_accuracy: cv, zero_shot_accuracy: zs, folds: ADAPTER_FOLDS, created_at: now };
      for (let i = 0; i < tm.ids.length; i++) {
        const img = byPath.get(tm.ids[i])!;
        const pred = classifier.predict(tm.vectors.slice(i * d, (i + 1) * d), img.sidecar!.image.sha256, set, adapted, hash, now);
        const done = await updateSidecar(img.path, (sc) => {
          if (!sc || sc.review.status !== 'pending') return null; // a person decided meanwhile: leave it
          return applyPrediction(sc, { ...pred, checkpoint, adapter: info });
        }).catch((e) => {
          if (e instanceof SidecarCorruptError) return null;
          throw e;
        });
        if (done?.predictions['zero-shot']?.checkpoint === checkpoint) rescored++;
      }
    }
    const pct = (p: { rate: number | null; lower: number | null; upper: number | null }) => `${(p.rate! * 100).toFixed(1)}% [${(p.lower! * 100).toFixed(1)}, ${(p.upper! * 100).toFixed(1)}]`;
    if (json) {
      io.out(
        JSON.stringify({ labels: job.n, per_category: perCategory, cv_accuracy: cv, zero_shot_accuracy: zs, cv: r.cv, folds: ADAPTER_FOLDS, rescored, applied: apply, checkpoint, base_checkpoint: key.model, method: ADAPTER_METHOD, fit_ms: Math.round(r.fitMs) }) + '\n',
      );
    } else {
      io.out(
        [
          `Adapter for ${key.model} (${key.dtype}) from ${job.n} human labels: ${names.map((n) => `${n} ${perCategory[n]}`).join(', ')}`,
          `${ADAPTER_FOLDS}-fold cross-validated accuracy on the same labels (95% Wilson; no held-out image was trained on):`,
          `  adapter    ${pct(r.cv.adapter)}`,
          `  zero-shot  ${pct(r.cv.zero_shot)}`,
          has(a, 'dry-run')
            ? 'Dry run: nothing applied.'
            : apply
              ? `Re-scored ${rescored} unreviewed image${rescored === 1 ? '' : 's'} as ${checkpoint} (final fit ${Math.round(r.fitMs)} ms). Re-classify with ${key.model} to undo.`
              : 'Not applied: the adapter does not beat zero-shot in cross-validation (--force to apply anyway).',
        ].join('\n') + '\n',
      );
    }
    return 0;
  } finally {
    await classifier.dispose?.();
  }
}

export async function adaptCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    if (argv[0] === '--help' || argv[0] === 'help') {
      io.out(ADAPT_USAGE + '\n');
      return 0;
    }
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n${ADAPT_USAGE}\n`);
      return 1;
    }
    throw e;
  }
}
