// What "learn from corrections" reports (CLI --json, the panel), as plain data.
import type { CvResult } from './cv';

export interface AdaptResult {
  labels: number;
  per_category: Record<string, number>;
  cv_accuracy: number | null;
  zero_shot_accuracy: number | null;
  cv?: CvResult;
  folds: number;
  rescored: number;
  applied: boolean;
  /** Why nothing was fitted (too few labels), when so. */
  refused?: string;
  checkpoint?: string;
  base_checkpoint?: string;
  method: string;
  fit_ms?: number;
}
