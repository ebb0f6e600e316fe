// Hugging Face datasets ImageFolder with metadata: images plus metadata.jsonl in each split folder,
// one JSON object per image whose "file_name" is relative to the metadata file.
//   https://huggingface.co/docs/datasets/image_dataset#imagefolder
//   https://huggingface.co/docs/datasets/image_load#imagefolder (metadata.jsonl, file_name)
import * as path from 'node:path';
import type { FormatWriter } from './types';

export const hfWriter: FormatWriter = {
  format: 'hf',
  specs: ['https://huggingface.co/docs/datasets/image_dataset#imagefolder', 'https://huggingface.co/docs/datasets/image_load#imagefolder'],
  dirFor(row) {
    return row.split;
  },
  async write(ctx, writeFile) {
    const multi = ctx.mode === 'multi_label' || ctx.rows.some((r) => r.labels.length > 1);
    const bySplit = new Map<string, string[]>();
    for (const r of ctx.rows) {
      // With --files none, file_name is the path in the reviewed folder (export.json's images_root).
      const fileName = r.file ? path.posix.relative(r.split, r.file) : r.relPath;
      const rec = {
        file_name: fileName,
        ...(multi ? { labels: r.labels } : { label: r.labels[0] ?? null }),
        confidence: r.modelScore,
        source: r.source,
        checkpoint: r.checkpoint,
        review_status: r.status,
        card_score: r.cardScore,
        source_path: r.relPath,
      };
      (bySplit.get(r.split) ?? bySplit.set(r.split, []).get(r.split)!).push(JSON.stringify(rec));
    }
    for (const [split, lines] of bySplit) await writeFile(`${split}/metadata.jsonl`, lines.join('\n') + '\n');
  },
};
