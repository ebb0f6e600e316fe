// The one interface every classifier (zero-shot, VLM) implements. Defined in core so that the run
// orchestrator, the CLI and the extension depend on the abstraction, not on a concrete model.
import type { CategorySet, ClassifierKind, Prediction } from './types';

/** An image ready for classification: decoded lazily by the classifier from `bytes`. */
export interface ImageInput {
  /** Absolute path. */
  path: string;
  /** Path relative to the classified folder, '/' separated. */
  relPath: string;
  sha256: string;
  bytes: Buffer;
}

/** Per-image outcome: a prediction, or an error message. Never both, never a fabricated prediction. */
export type ClassifyOutcome = { ok: true; prediction: Prediction } | { ok: false; error: string };

export interface ClassifierInfo {
  kind: ClassifierKind;
  /** The checkpoint id or directory, shown next to every score. */
  checkpoint: string;
  revision: string;
  dtype: string;
  /** VLM prompt version, if any. */
  promptVersion?: string;
  /** Where the model ran (zero-shot: the ONNX Runtime device, e.g. cpu, cuda). */
  device?: string;
  /** Why the requested device was not used, if it could not start. */
  deviceNote?: string;
}

/** Token usage summed over a classifier's life (only what servers reported). */
export interface UsageTotals {
  requests: number;
  /** Requests whose answer reported usage. */
  reported: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * A classifier: zero-shot (CLIP/SigLIP) or a vision-language model. It turns a batch of images into
 * routing cards for the given categories.
 *
 * **Example:** one image through the library's zero-shot classifier.
 * ```js
 * const { zeroShotClassifier, imageInput } = require('image-triage');
 * const classifier = await zeroShotClassifier();
 * const set = { mode: 'single_label', templates: ['a photo of {name}'],
 *   categories: [{ name: 'red', description: 'mostly red' }, { name: 'blue', description: 'mostly blue' }] };
 * const [outcome] = await classifier.classifyBatch([await imageInput('photos/red.png')], set);
 * console.log(outcome.ok ? outcome.prediction.predicted_categories[0].name : outcome.error); // 'red'
 * console.log(classifier.info.kind); // 'zero-shot'
 * await classifier.dispose?.();
 * ```
 */
export interface Classifier {
  readonly info: ClassifierInfo;
  /** Batches it works on at once (default 1); a run keeps one more in flight, being prepared. */
  readonly concurrency?: number;
  /** Requests made and tokens reported so far (VLM classifiers; zero-shot has none). */
  usage?(): UsageTotals;
  /**
   * Classify a batch. Must return one outcome per input, in order. A failing image yields
   * `{ok:false}` and does not fail the batch. Rejects only on cancellation or a fatal setup error.
   */
  classifyBatch(images: ImageInput[], set: CategorySet, signal?: AbortSignal): Promise<ClassifyOutcome[]>;
  /** Problems of the category set for this model (e.g. prompts over its token limit): shown before a run, and kept in each prediction's warnings. */
  setWarnings?(set: CategorySet): Promise<string[]>;
  dispose?(): Promise<void>;
}

/** Progress of a model download or load, for progress bars. */
export interface LoadProgress {
  file: string;
  loaded?: number;
  total?: number;
  status: string;
}
