// The synthetic folder of `npm run bench:scale`: N CIFAR-10 copies with one pixel varied (PNG, so every
// file has its own hash), each with a real zero-shot sidecar (10 categories, scores, cosines, top-5),
// in a temp folder. `--dir` keeps it between runs (a hidden `.bench-scale.json` lists the hashes);
// fixture sidecars are written without fsync (they are the input, not what is measured).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { newSidecar, applyPrediction } from '../core/sidecar';
import type { Prediction } from '../core/types';
import { sidecarPath, sidecarText } from '../core/sidecarStore';
import { cifarImages } from './images';

export const SCALE_KEY = { model: 'bench-scale', revision: 'synthetic', dtype: 'fp32' };
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const MANIFEST = '.bench-scale.json';

/** A zero-shot prediction shaped like the real ones (softmax over 10 categories). */
function prediction(sha: string, top: string, i: number): Prediction {
  const scores: Record<string, number> = {};
  const cosines: Record<string, number> = {};
  let rest = 1;
  for (const c of CLASSES) {
    const s = c === top ? 0.55 + (i % 40) / 100 : 0;
    scores[c] = s;
    rest -= s;
  }
  for (const c of CLASSES) {
    if (c !== top) scores[c] = Math.round((rest / 9) * 1e6) / 1e6;
    cosines[c] = Math.round((0.2 + scores[c] / 10) * 1e6) / 1e6;
  }
  const top5 = [...CLASSES].sort((a, b) => scores[b] - scores[a]).slice(0, 5).map((name) => ({ name, score: scores[name], cosine: cosines[name] }));
  return {
    classifier: 'zero-shot',
    checkpoint: SCALE_KEY.model,
    revision: SCALE_KEY.revision,
    dtype: SCALE_KEY.dtype,
    categories_hash: 'bench',
    mode: 'single_label',
    created_at: new Date(0).toISOString(),
    image_sha256: sha,
    warnings: [],
    predicted_categories: [
      { name: top, score: 5, confidence: 'high', visual_evidence: `Closest prompt "a photo of ${top}" (cosine ${cosines[top]}); softmax score ${scores[top].toFixed(2)}.` },
    ],
    fits_any: true,
    category_scores: Object.fromEntries(CLASSES.map((c) => [c, c === top ? 5 : 1])),
    would_route_to: top,
    decision_basis: `CLIP zero-shot: "${top}" softmax score ${scores[top].toFixed(2)}; uncalibrated, comparable only within this checkpoint.`,
    zero_shot: { score_kind: 'softmax', scores, cosines, top5, templates: ['a photo of {name}.', '{description}'], closest_prompt: { [top]: `a photo of ${top}.` }, logit_scale: 100 },
  } as Prediction;
}

/** The folder with n images and sidecars (reused from `dir` when it already holds them); their hashes in order. */
export async function scaleFolder(root: string, n: number, log: (s: string) => void): Promise<string[]> {
  const manifest = path.join(root, MANIFEST);
  try {
    const shas = JSON.parse(await fs.readFile(manifest, 'utf8')) as string[];
    if (shas.length === n) {
      log(`reusing ${n} images in ${root}`);
      return shas;
    }
  } catch {
    /* not generated yet */
  }
  await fs.rm(root, { recursive: true, force: true });
  await fs.mkdir(root, { recursive: true });
  const sources = await cifarImages(10_000);
  log(`generating ${n} images (CIFAR copies, one pixel varied) with sidecars in ${root}…`);
  const raws = new Map<number, Buffer>();
  const shas: string[] = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const src = i % sources.length;
      let raw = raws.get(src);
      if (!raw) raws.set(src, (raw = await sharp(sources[src]).removeAlpha().raw().toBuffer()));
      const px = Buffer.from(raw);
      const copy = Math.floor(i / sources.length);
      px[copy % px.length] = (px[copy % px.length] + 1 + (copy >> 10)) & 255;
      const png = await sharp(px, { raw: { width: 32, height: 32, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
      const cls = path.basename(path.dirname(sources[src]));
      const file = path.join(root, cls, `${String(i).padStart(7, '0')}.png`);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, png);
      const sha = createHash('sha256').update(png).digest('hex');
      shas[i] = sha;
      const sc = applyPrediction(newSidecar({ name: path.basename(file), sha256: sha, size: png.length }), prediction(sha, CLASSES.includes(cls) ? cls : CLASSES[0], i));
      await fs.writeFile(sidecarPath(file), sidecarText(sc));
      if (i % 10_000 === 0) log(`  ${i}/${n}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await fs.writeFile(manifest, JSON.stringify(shas));
  return shas;
}
