// Builds the classifier a CLI invocation asks for (zero-shot by default, or a VLM endpoint).
import type { Classifier } from '../core/classifier';
import { DEFAULT_ZERO_SHOT_MODEL, type Dtype } from '../classifiers/config';
import { createZeroShotClassifier } from '../classifiers/zeroShot';
import { UsageError, choiceFlag, flag, intFlag, numberFlag, type CliIO, type ParsedArgs } from './args';
import { defaultCacheDir } from '../core/cacheDir';
import { createVlmClassifier, requireRemoteConsent } from './vlmConsent';

/** Value flags that choose and configure the classifier (`--vlm-url`, `--vlm-concurrency`: aliases). */
export const CLASSIFIER_FLAGS = ['classifier', 'endpoint', 'vlm-url', 'vlm-model', 'concurrency', 'vlm-concurrency', 'vlm-timeout', 'vlm-max-side', 'logit-scale', 'logit-bias'];

/** A flag given under its documented name or its alias (both at once must agree). */
function aliased(a: ParsedArgs, name: string, alias: string): string | undefined {
  const v = flag(a, name);
  const w = flag(a, alias);
  if (v !== undefined && w !== undefined && v !== w) throw new UsageError(`--${name} and its alias --${alias} disagree ("${v}" vs "${w}"); give one`);
  return v ?? w;
}

function aliasedInt(a: ParsedArgs, name: string, alias: string, min: number, max: number): number | undefined {
  const v = aliased(a, name, alias);
  if (v === undefined) return undefined;
  return intFlag({ positionals: [], flags: new Map([[name, [v]]]) }, name, min, max);
}

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
  const baseUrl = aliased(a, 'endpoint', 'vlm-url');
  const model = flag(a, 'vlm-model');
  const kind = flag(a, 'classifier') ?? 'vlm';
  if (!baseUrl || !model) throw new UsageError(`--classifier ${kind} needs --endpoint <base url> and --vlm-model <name>`);
  const env = io.env ?? process.env;
  requireRemoteConsent(baseUrl, a.flags.has('send-images'));
  return createVlmClassifier({
    baseUrl,
    model,
    apiKey: env.IMAGE_TRIAGE_VLM_API_KEY || undefined,
    concurrency: aliasedInt(a, 'concurrency', 'vlm-concurrency', 1, 64),
    timeoutMs: intFlag(a, 'vlm-timeout', 1000, 3_600_000),
    maxImageSide: intFlag(a, 'vlm-max-side', 16, 8192),
  });
}
