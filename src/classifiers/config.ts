// What it takes to build a classifier. Shared by the CLI and the extension settings.
import type { LoadProgress } from '../core/classifier';
import type { DeviceChoice } from './device';

export type Dtype = 'fp32' | 'q8' | 'fp16';
export const DEFAULT_ZERO_SHOT_MODEL = 'Xenova/clip-vit-base-patch32';

export interface ZeroShotConfig {
  kind: 'zero-shot';
  /** A transformers.js hub id (CLIP, SigLIP, SigLIP 2) or a local model directory. */
  model: string;
  dtype: Dtype;
  /** Writable directory for downloaded models and the image-embedding cache. */
  cacheDir: string;
  revision?: string;
  /** Allow downloads from the Hugging Face hub (false: local directory only). */
  allowRemote?: boolean;
  onProgress?: (p: LoadProgress) => void;
  /** SigLIP (or CLIP) logit scale/bias given by the user: --logit-scale/--logit-bias or the settings. */
  logit?: { scale?: number; bias?: number; from: 'flags' | 'setting' };
  /** ORT intra-op threads in all (default: all cores), split evenly between the vision lanes. */
  threads?: number;
  /**
   * Vision sessions side by side on the CPU (default 2 where there are 2+ threads; 1 on an
   * accelerator or an --encoder-url server). See workerTowers.ts for why.
   */
  lanes?: number;
  /** Load the vision tower only: an extra lane (workerTowers.ts), never the first. */
  visionOnly?: boolean;
  /** ORT execution provider (default auto: the platform's accelerator when it starts, else CPU). */
  device?: DeviceChoice;
  /** An Open Inference Protocol (KServe v2 / Triton) server that runs both towers (--encoder-url). */
  encoderUrl?: string;
  /** Per request to that server (default 60 s). */
  encoderTimeoutMs?: number;
  /** A sharded run's own embedding store (e.g. "shard-2-of-4"), merged later by `cache merge`. */
  shardTag?: string;
}
