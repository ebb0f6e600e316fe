// Runs the "description ignored" probe: re-classifies a small seeded sample three ways (original
// categories, names only, descriptions shuffled across the names) and feeds descriptionProbe.
// Any Classifier works; zero-shot re-uses its cached image embeddings, so only texts are encoded.
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Classifier, ClassifyOutcome, ImageInput } from '../classifier';
import type { CategorySet } from '../types';
import { labelSet } from '../routing';
import { humanizeName } from '../categories';
import { mulberry32, shuffled } from './prng';
import { descriptionProbe, type ProbeRecord, type ProbeResult } from './probe';

/** Names only: each description becomes the category's own name. */
export function namesOnly(set: CategorySet): CategorySet {
  return { ...set, categories: set.categories.map((c) => ({ name: c.name, description: humanizeName(c.name) })) };
}

/** Descriptions moved to other names: a seeded derangement (no category keeps its own). */
export function shuffleDescriptions(set: CategorySet, seed: number): CategorySet {
  const n = set.categories.length;
  const rng = mulberry32(seed);
  let order = shuffled([...Array(n).keys()], rng);
  for (let tries = 0; tries < 100 && order.some((j, i) => j === i); tries++) order = shuffled([...Array(n).keys()], rng);
  if (order.some((j, i) => j === i)) order = [...Array(n).keys()].map((i) => (i + 1) % n);
  return { ...set, categories: set.categories.map((c, i) => ({ name: c.name, description: set.categories[order[i]].description })) };
}

export interface ProbeRunOptions {
  size: number;
  seed: number;
  signal?: AbortSignal;
}

export async function runDescriptionProbe(
  images: { path: string; relPath: string }[],
  set: CategorySet,
  classifier: Classifier,
  opts: ProbeRunOptions,
): Promise<ProbeResult & { sample: string[]; errors: { relPath: string; message: string }[] }> {
  const sample = shuffled(images, mulberry32(opts.seed)).slice(0, opts.size).sort((a, b) => (a.relPath < b.relPath ? -1 : 1));
  const inputs: ImageInput[] = await Promise.all(
    sample.map(async (img) => {
      const bytes = await fs.readFile(img.path);
      return { path: img.path, relPath: img.relPath, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
  const variants = [set, namesOnly(set), shuffleDescriptions(set, opts.seed)];
  const outcomes: ClassifyOutcome[][] = [];
  for (const v of variants) outcomes.push(await classifier.classifyBatch(inputs, v, opts.signal));
  const records: ProbeRecord[] = [];
  const errors: { relPath: string; message: string }[] = [];
  inputs.forEach((img, i) => {
    const [o, n, s] = outcomes.map((out) => out[i]);
    const bad = [o, n, s].find((x) => !x.ok);
    if (bad && !bad.ok) return void errors.push({ relPath: img.relPath, message: bad.error });
    const labels = (x: typeof o) => (x.ok ? labelSet(x.prediction.predicted_categories) : []);
    records.push({ id: img.relPath, original: labels(o), namesOnly: labels(n), shuffled: labels(s) });
  });
  return { ...descriptionProbe(records), sample: inputs.map((i) => i.relPath), errors };
}
