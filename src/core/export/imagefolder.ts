// torchvision ImageFolder / Ultralytics classify layout: <out>/<split>/<label folder>/<file>.
//   https://pytorch.org/vision/stable/generated/torchvision.datasets.ImageFolder.html
//   https://docs.ultralytics.com/datasets/classify/
// Single-label only. label_map.json (written for every format) maps folder names back to labels.
import { NONE_FOLDER } from './names';
import { csvLine, type FormatWriter } from './types';

export const imagefolderWriter: FormatWriter = {
  format: 'imagefolder',
  specs: ['https://pytorch.org/vision/stable/generated/torchvision.datasets.ImageFolder.html', 'https://docs.ultralytics.com/datasets/classify/'],
  refuse(ctx) {
    if (ctx.files === 'none') return 'imagefolder is made of the image files themselves: use --files link or copy';
    const multi = ctx.mode === 'multi_label' || ctx.rows.some((r) => r.labels.length > 1);
    if (multi) return 'this folder is multi-label; a folder-per-class layout holds one label per image. Use --format hf (metadata.jsonl with "labels" lists) instead';
    return null;
  },
  dirFor(row, ctx) {
    return `${row.split}/${row.labels.length ? ctx.folders.get(row.labels[0])! : NONE_FOLDER}`;
  },
  async write(ctx, writeFile) {
    let text = csvLine(['split', 'label', 'file', 'source_path', 'source', 'review_status']);
    for (const r of ctx.rows) text += csvLine([r.split, r.labels[0] ?? '', r.file, r.relPath, r.source, r.status]);
    await writeFile('manifest.csv', text);
  },
};
