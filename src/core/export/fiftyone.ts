// FiftyOneImageClassificationDataset: data/ holds the images; labels.json has "classes" and "labels",
// a map from each image's file name without extension (its uuid) to a target: {"label": <class id>,
// "confidence": <score>}, a list of those for multi-label, or null when unlabelled.
//   https://docs.voxel51.com/user_guide/export_datasets.html#fiftyoneimageclassificationdataset
//   https://docs.voxel51.com/user_guide/import_datasets.html#fiftyoneimageclassificationdataset
// With --split, one such dataset per split folder. Confidence is the model's raw score (not calibrated).
// The spec's targets hold only label and confidence, so manifest.csv beside them says, per image, where
// it came from and whose label it is (source human / auto / predicted), as imagefolder's does.
import * as path from 'node:path';
import { csvLine, type ExportRow, type FormatWriter } from './types';

const uuidOf = (r: ExportRow) => {
  const base = path.posix.basename(r.file ?? r.relPath);
  return base.slice(0, base.length - path.posix.extname(base).length);
};

export const fiftyoneWriter: FormatWriter = {
  format: 'fiftyone',
  specs: ['https://docs.voxel51.com/user_guide/export_datasets.html#fiftyoneimageclassificationdataset'],
  refuse(ctx) {
    return ctx.files === 'none' ? 'a FiftyOne dataset directory keeps its images in data/: use --files link or copy' : null;
  },
  dirFor(row, ctx) {
    return ctx.splits ? `${row.split}/data` : 'data';
  },
  async write(ctx, writeFile) {
    const multi = ctx.mode === 'multi_label' || ctx.rows.some((r) => r.labels.length > 1);
    const index = new Map(ctx.classes.map((c, i) => [c, i]));
    const groups = new Map<string, ExportRow[]>();
    for (const r of ctx.rows) {
      const g = ctx.splits ? r.split : '';
      (groups.get(g) ?? groups.set(g, []).get(g)!).push(r);
    }
    for (const [g, rows] of groups) {
      const labels: Record<string, unknown> = {};
      for (const r of rows) {
        const targets = r.labels.map((l) => ({ label: index.get(l)!, ...(r.scores && r.scores[l] !== undefined ? { confidence: r.scores[l] } : {}) }));
        labels[uuidOf(r)] = multi ? targets : (targets[0] ?? null);
      }
      await writeFile(g ? `${g}/labels.json` : 'labels.json', JSON.stringify({ classes: ctx.classes, labels }, null, 1) + '\n');
    }
    let text = csvLine(['split', 'uuid', 'labels', 'source_path', 'source', 'review_status']);
    for (const r of ctx.rows) text += csvLine([r.split, uuidOf(r), r.labels.join(';'), r.relPath, r.source, r.status]);
    await writeFile('manifest.csv', text);
  },
};
