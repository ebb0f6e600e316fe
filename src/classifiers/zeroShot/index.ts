export { ZeroShotClassifier, type CategoryEmbeddings, type EncoderStats } from './zeroShotClassifier';
export { ModelLoadError } from './modelLoader';
import type { ZeroShotConfig } from '../config';
import { ZeroShotClassifier } from './zeroShotClassifier';

/** Loads the checkpoint (downloading it on first use when it is a hub id) and returns the classifier. */
export function createZeroShotClassifier(config: ZeroShotConfig): Promise<ZeroShotClassifier> {
  return ZeroShotClassifier.create(config);
}
