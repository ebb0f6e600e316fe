// csv and jsonl: one row per image with its relative path, labels, review status, source
// (human / auto / predicted), checkpoint, card score and model score. CSV per RFC 4180
// (https://www.rfc-editor.org/rfc/rfc4180); JSON Lines per https://jsonlines.org/.
// In the CSV, several labels are joined with ";".
import { csvLine, type ExportRow, type FormatWriter } from './types';

export const TABLE_COLUMNS = ['path', 'labels', 'review_status', 'source', 'checkpoint', 'card_score', 'model_score', 'split', 'file', 'stale'] as const;

function record(r: ExportRow) {
  return {
    path: r.relPath,
    labels: r.labels,
    review_status: r.status,
    source: r.source,
    checkpoint: r.checkpoint,
    card_score: r.cardScore,
    model_score: r.modelScore,
    split: r.split,
    file: r.file,
    stale: r.stale,
  };
}

const writer = (format: 'csv' | 'jsonl'): FormatWriter => ({
  format,
  specs: format === 'csv' ? ['https://www.rfc-editor.org/rfc/rfc4180'] : ['https://jsonlines.org/'],
  dirFor() {
    return 'images';
  },
  async write(ctx, writeFile) {
    if (format === 'jsonl') {
      await writeFile('labels.jsonl', ctx.rows.map((r) => JSON.stringify(record(r))).join('\n') + (ctx.rows.length ? '\n' : ''));
      return;
    }
    let text = csvLine([...TABLE_COLUMNS]);
    for (const r of ctx.rows) {
      const rec = record(r);
      text += csvLine(TABLE_COLUMNS.map((c) => (c === 'labels' ? rec.labels.join(';') : rec[c])));
    }
    await writeFile('labels.csv', text);
  },
});

export const csvWriter = writer('csv');
export const jsonlWriter = writer('jsonl');
