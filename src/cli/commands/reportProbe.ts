// `report --probe N`: the description-ignored probe on N images of the folder that have cached
// zero-shot embeddings for the folder's checkpoint, so no image is re-encoded (only the three
// variants of the category texts are). The result fills the report's probe section.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { IndexedImage } from '../../core/folderIndex';
import { parseCategories } from '../../core/categories';
import { runDescriptionProbe } from '../../core/audit/probeRun';
import type { ProbeResult } from '../../core/audit/probe';
import { folderEmbeddings } from '../../classifiers/zeroShot/embeddingCache';
import { createZeroShotClassifier } from '../../classifiers/zeroShot';
import type { Dtype } from '../../classifiers/config';
import { UsageError, type CliIO } from '../args';

const encoded = (c: object): number | string => (c as { stats?: { imagesEncoded?: number } }).stats?.imagesEncoded ?? '?';

export interface ReportProbeOptions {
  size: number;
  seed: number;
  cacheDir: string;
  model?: string;
  dtype?: string;
  categories?: string;
  /** Open Inference Protocol server for the text tower (report --encoder-url). */
  encoderUrl?: string;
}

export async function reportProbe(root: string, images: IndexedImage[], o: ReportProbeOptions, io: CliIO): Promise<ProbeResult> {
  const { key, byRelPath } = await folderEmbeddings(images, path.join(o.cacheDir, 'embeddings'));
  if (!key) throw new UsageError('--probe needs zero-shot predictions in the folder: classify it first');
  if (!byRelPath.size) throw new UsageError(`--probe: no cached embeddings for ${key.model} in ${o.cacheDir}; pass the --cache-dir classify used`);
  if (o.dtype !== undefined && !['fp32', 'q8', 'fp16'].includes(o.dtype)) throw new UsageError(`--dtype must be one of fp32, q8, fp16 (got "${o.dtype}")`);
  const catFile = path.resolve(o.categories ?? path.join(root, 'categories.json'));
  const text = await fs.readFile(catFile, 'utf8').catch(() => {
    throw new UsageError(`categories file ${catFile} not found; pass --categories <file>`);
  });
  const { set } = parseCategories(text, catFile);
  const model = o.model ?? key.model;
  const classifier = await createZeroShotClassifier({ kind: 'zero-shot', model, dtype: (o.dtype ?? key.dtype) as Dtype, cacheDir: o.cacheDir, encoderUrl: o.encoderUrl });
  try {
    const pool = images.filter((img) => byRelPath.has(img.relPath));
    const r = await runDescriptionProbe(pool, set, classifier, { size: o.size, seed: o.seed });
    io.err(`description probe: ${r.n} of ${pool.length} images with cached embeddings for ${model} (seed ${o.seed}); shuffled descriptions changed ${r.shuffled_changed.k}/${r.shuffled_changed.n}, names only ${r.names_only_changed.k}/${r.names_only_changed.n}; ${encoded(classifier)} images encoded\n`);
    for (const e of r.errors) io.err(`  probe error ${e.relPath}: ${e.message}\n`);
    const { sample: _s, errors: _e, ...result } = r;
    return result;
  } finally {
    await classifier.dispose?.();
  }
}
