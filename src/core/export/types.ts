// Shapes shared by the export formats. One row per exported image; each format decides where the
// image goes (`place`) and writes its own metadata files (`write`).
import type { Mode } from '../types';
import type { LabelSource } from './labelSource';

export const EXPORT_FORMATS = ['imagefolder', 'hf', 'labelstudio', 'fiftyone', 'cleanlab', 'csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const FILES_MODES = ['link', 'copy', 'none'] as const;
export type FilesMode = (typeof FILES_MODES)[number];

export interface ExportRow {
  /** Path of the image inside the reviewed folder (posix separators). */
  relPath: string;
  absPath: string;
  /** Empty: no label (exported to `_none` only with --include-none). */
  labels: string[];
  source: LabelSource;
  status: string;
  stale: boolean;
  classifier: string | null;
  checkpoint: string | null;
  /** The routing card's 1..5 score of the exported label (the best of them for several). */
  cardScore: number | null;
  /** The model's raw score of the exported label (zero-shot softmax/sigmoid; null for a VLM). Not calibrated. */
  modelScore: number | null;
  scoreKind: 'softmax' | 'sigmoid' | null;
  /** All raw zero-shot scores of the effective prediction, by category. */
  scores: Record<string, number> | null;
  /** The zero-shot checkpoint those scores come from. */
  scoresCheckpoint: string | null;
  /** The effective prediction's labels and its score for the first of them (model score, or card score / 5 for a VLM). */
  predictedLabels: string[];
  predictedScore: number | null;
  split: string;
  /** Where the image was written, relative to the export root (posix); null with --files none. */
  file: string | null;
}

export interface ExportContext {
  rows: ExportRow[];
  /** Label names in category order (then any other labels, sorted). */
  classes: string[];
  /** Label → folder name. */
  folders: Map<string, string>;
  mode: Mode;
  /** Split names as given, or null when --split was not given (everything is "train"). */
  splits: string[] | null;
  files: FilesMode;
  /** The temporary export root being built. */
  root: string;
  /** Cached image embeddings by relPath (cleanlab). */
  embeddings?: Map<string, Float32Array>;
  warnings: string[];
  /** Rows a format cannot express are moved here with a reason. */
  skip: (row: ExportRow, reason: string) => void;
}

export interface FormatWriter {
  format: ExportFormat;
  /** The published specs this writer follows. */
  specs: string[];
  /** Why this folder cannot be exported in this format, or null. */
  refuse?(ctx: ExportContext): string | null;
  /** Drops rows the format cannot express (calls ctx.skip) before files are placed. */
  filter?(ctx: ExportContext): void;
  /** The folder the row's image goes into, relative to the export root (posix). */
  dirFor(row: ExportRow, ctx: ExportContext): string;
  write(ctx: ExportContext, writeFile: (rel: string, data: string | Buffer) => Promise<void>): Promise<void>;
}

export const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const csvLine = (cells: unknown[]): string => cells.map(csvCell).join(',') + '\n';
