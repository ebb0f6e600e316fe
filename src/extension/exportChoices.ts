// The Export Dataset QuickPick items and how the picks become export options (no vscode import, so
// it is unit-tested).
import type { ExportFormat, FilesMode, LabelsMode } from '../core/export';

export const EXPORT_FORMAT_ITEMS: { label: string; description: string; format: ExportFormat }[] = [
  { label: 'ImageFolder', description: 'folder per class: torchvision, Ultralytics (single-label)', format: 'imagefolder' },
  { label: 'Hugging Face datasets', description: 'images + metadata.jsonl per split', format: 'hf' },
  { label: 'Label Studio', description: 'tasks.json with predictions and annotations + labeling config', format: 'labelstudio' },
  { label: 'FiftyOne', description: 'FiftyOneImageClassificationDataset: data/ + labels.json', format: 'fiftyone' },
  { label: 'cleanlab', description: 'labels.npy, pred_probs.npy, embeddings.npy, index.csv', format: 'cleanlab' },
  { label: 'CSV', description: 'one row per image', format: 'csv' },
  { label: 'JSON Lines', description: 'one row per image', format: 'jsonl' },
];

export const LABEL_ITEMS: { label: string; description: string; labels: LabelsMode }[] = [
  { label: 'Reviewed and auto-accepted', description: 'human decisions and auto-accepted images (default)', labels: 'human+auto' },
  { label: 'Human decisions only', description: 'accepted, overridden, rejected', labels: 'human' },
  { label: 'Also predictions of unreviewed images', description: 'marked "predicted" in every row', labels: 'predicted' },
];

export type ExportOption = 'split' | 'includeNone' | 'copy' | 'metadataOnly';

export const EXPORT_OPTION_ITEMS: { label: string; description: string; option: ExportOption }[] = [
  { label: 'Split train / val / test', description: '80 / 10 / 10, stratified by label, seed 0', option: 'split' },
  { label: 'Include images with no label', description: 'rejected and nothing-fits images go to _none', option: 'includeNone' },
  { label: 'Copy the images', description: 'instead of linking to them', option: 'copy' },
  { label: 'Metadata only', description: 'no image files; rows point at the reviewed folder', option: 'metadataOnly' },
];

export interface ExportChoices {
  format: ExportFormat;
  labels: LabelsMode;
  files: FilesMode;
  includeNone: boolean;
  split?: string;
}

export function exportChoices(format: ExportFormat, labels: LabelsMode, options: readonly ExportOption[], platform: string): ExportChoices {
  const files: FilesMode = options.includes('metadataOnly') ? 'none' : options.includes('copy') || platform === 'win32' ? 'copy' : 'link';
  return { format, labels, files, includeNone: options.includes('includeNone'), ...(options.includes('split') ? { split: 'train=0.8,val=0.1,test=0.1' } : {}) };
}
