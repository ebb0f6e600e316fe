// Builds the classifier a CLI invocation asks for (zero-shot by default, or a VLM endpoint).
import type { Classifier } from '../core/classifier';
import { DEFAULT_ZERO_SHOT_MODEL, type Dtype } from '../classifiers/config';
import { createZeroShotClassifier } from '../classifiers/zeroShot';
import { UsageError, choiceFlag, flag, intFlag, numberFlag, type CliIO, type ParsedArgs } from './args';
import { defaultCacheDir } from '../core/cacheDir';
import { createVlmClassifier, requireRemoteConsent } from './vlmConsent';

export const CLASSIFIER_FLAGS = ['classifier', 'vlm-url', 'vlm-model', 'vlm-concurrency', 'vlm-timeout', 'logit-scale', 'logit-bias'];

/** --logit-scale (the multiplier on the cosine, e.g. 117.33) and --logit-bias, when given. */
export function logitFlags(a: ParsedArgs): { scale?: number; bias?: number; from: 'flags' } | undefined {
  const scale = numberFlag(a, 'logit-scale');
  const bias = numberFlag(a, 'logit-bias');
  return scale === undefined && bias === undefined ? undefined : { scale, bias, from: 'flags' };
}

export async function createClassifierFromFlags(a: ParsedArgs, o: { dtype: Dtype; io: CliIO; isTTY: boolean }): Promise<Classifier> {
  const kind = choiceFlag(a, 'classifier', ['zero-shot', 'vlm'] as const) ?? 'zero-shot';
  const cacheDir = flag(a, 'cache-dir') ?? defaultCacheDir(o.io.env);
  if (kind === 'vlm') return createVlmFromFlags(a, o.io);
  const seen = new Map<string, number>();
  return createZeroShotClassifier({
    kind: 'zero-shot',
    model: flag(a, 'model') ?? DEFAULT_ZERO_SHOT_MODEL,
    dtype: o.dtype,
    cacheDir,
    revision: flag(a, 'revision'),
    logit: logitFlags(a),
    threads: intFlag(a, 'threads', 1, 256),
    onProgress: (p) => {
      if (p.status !== 'progress' || !p.total || !p.file) return;
      const pct = Math.floor(((p.loaded ?? 0) / p.total) * 100);
      if ((seen.get(p.file) ?? -10) + 10 > pct && pct < 100) return;
      seen.set(p.file, pct);
      o.io.err(`downloading ${p.file}: ${pct}% of ${(p.total / 1e6).toFixed(1)} MB\n`);
    },
  });
}

async function createVlmFromFlags(a: ParsedArgs, io: CliIO): Promise<Classifier> {
  const baseUrl = flag(a, 'vlm-url');
  const model = flag(a, 'vlm-model');
  if (!baseUrl || !model) throw new UsageError('--classifier vlm needs --vlm-url <base url> and --vlm-model <name>');
  const env = io.env ?? process.env;
  requireRemoteConsent(baseUrl, a.flags.has('send-images'));
  return createVlmClassifier({
    baseUrl,
    model,
    apiKey: env.IMAGE_TRIAGE_VLM_API_KEY || undefined,
    concurrency: intFlag(a, 'vlm-concurrency', 1, 64),
    timeoutMs: intFlag(a, 'vlm-timeout', 1000, 3_600_000),
  });
}
