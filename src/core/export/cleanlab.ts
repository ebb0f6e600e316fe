// cleanlab: labels.npy (N, int64 class index), pred_probs.npy (N×K float64, columns in category
// order), embeddings.npy (N×D float32 from the embedding cache) and index.csv (row → image), so
// `Datalab(data={"label": labels}, label_name="label").find_issues(pred_probs=..., features=...)` runs.
//   https://docs.cleanlab.ai/stable/tutorials/datalab/image.html
//   https://docs.cleanlab.ai/stable/cleanlab/datalab/datalab.html
// Single-label rows with zero-shot scores of the folder's main checkpoint only; others are listed as skipped.
import { npy } from './npy';
import { csvLine, type FormatWriter } from './types';

export const cleanlabWriter: FormatWriter = {
  format: 'cleanlab',
  specs: ['https://docs.cleanlab.ai/stable/tutorials/datalab/image.html', 'https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html'],
  refuse(ctx) {
    if (ctx.mode === 'multi_label') return 'cleanlab export here is single-label (one class index per row); use --format jsonl for multi-label labels';
    return null;
  },
  filter(ctx) {
    const counts = new Map<string, number>();
    for (const r of ctx.rows) if (r.scores && r.scoresCheckpoint) counts.set(r.scoresCheckpoint, (counts.get(r.scoresCheckpoint) ?? 0) + 1);
    const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const classSet = new Set(ctx.classes);
    for (const r of [...ctx.rows]) {
      if (r.labels.length !== 1) ctx.skip(r, r.labels.length ? 'several labels (cleanlab export is single-label)' : 'no label (cleanlab needs one class per row)');
      else if (!r.scores) ctx.skip(r, 'no zero-shot scores (pred_probs needs model probabilities; VLM cards have none)');
      else if (r.scoresCheckpoint !== main) ctx.skip(r, `scores from ${r.scoresCheckpoint}, not the main checkpoint ${main}`);
      else if (!classSet.has(r.labels[0]) || ctx.classes.some((c) => r.scores![c] === undefined)) ctx.skip(r, `label or scores outside the categories (${r.labels[0]})`);
    }
  },
  dirFor() {
    return 'images';
  },
  async write(ctx, writeFile) {
    const N = ctx.rows.length;
    const K = ctx.classes.length;
    const labels = ctx.rows.map((r) => ctx.classes.indexOf(r.labels[0]));
    const probs = new Float64Array(N * K);
    ctx.rows.forEach((r, i) => ctx.classes.forEach((c, k) => (probs[i * K + k] = r.scores![c])));
    await writeFile('labels.npy', npy('<i8', [N], labels));
    await writeFile('pred_probs.npy', npy('<f8', [N, K], probs));
    if (ctx.rows.some((r) => r.scoreKind === 'sigmoid')) ctx.warnings.push('pred_probs are SigLIP sigmoid scores: rows do not sum to 1 (cleanlab expects probabilities over the classes)');
    const emb = ctx.rows.map((r) => ctx.embeddings?.get(r.relPath));
    const have = emb.filter((e) => !!e).length;
    if (N && have === N) {
      const D = emb[0]!.length;
      const flat = new Float32Array(N * D);
      emb.forEach((e, i) => flat.set(e!, i * D));
      await writeFile('embeddings.npy', npy('<f4', [N, D], flat));
    } else if (N) {
      ctx.warnings.push(`embeddings.npy not written: ${have} of ${N} images have cached embeddings for this checkpoint (classify them again with the same model to fill the cache)`);
    }
    await writeFile('classes.json', JSON.stringify(ctx.classes) + '\n');
    let text = csvLine(['row', 'path', 'label', 'label_index', 'source', 'review_status', 'split', 'file']);
    ctx.rows.forEach((r, i) => (text += csvLine([i, r.relPath, r.labels[0], labels[i], r.source, r.status, r.split, r.file])));
    await writeFile('index.csv', text);
  },
};
