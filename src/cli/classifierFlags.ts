// Builds the classifier a CLI invocation asks for (zero-shot by default, or a VLM endpoint).
import type { Classifier } from '../core/classifier';
import { DEFAULT_ZERO_SHOT_MODEL, type Dtype } from '../classifiers/config';
import { createZeroShotClassifier } from '../classifiers/zeroShot';
import { UsageError, choiceFlag, flag, intFlag, numberFlag, type CliIO, type ParsedArgs } from './args';
import { defaultCacheDir } from '../core/cacheDir';
import { createVlmClassifier, requireRemoteConsent } from './vlmConsent';
import { DEVICES } from '../classifiers/device';
import { isLoopbackUrl } from '../core/loopback';
import { CascadeRuleError, DEFAULT_CASCADE_WHEN, parseCascadeRule, type CascadeRule } from '../core/cascadeRule';

/** Value flags that choose and configure the classifier (`--vlm-url`, `--vlm-concurrency`: aliases). */
export const CLASSIFIER_FLAGS = ['classifier', 'endpoint', 'vlm-url', 'vlm-model', 'concurrency', 'vlm-concurrency', 'vlm-timeout', 'vlm-max-side', 'cascade-when', 'logit-scale', 'logit-bias', 'device', 'encoder-url'];

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

export type ClassifierChoice = 'zero-shot' | 'vlm' | 'cascade';

export const classifierChoice = (a: ParsedArgs): ClassifierChoice => choiceFlag(a, 'classifier', ['zero-shot', 'vlm', 'cascade'] as const) ?? 'zero-shot';

/** The rule of `--classifier cascade` (default: DEFAULT_CASCADE_WHEN); refused for other classifiers. */
export function cascadeRuleFromFlags(a: ParsedArgs): CascadeRule {
  const when = flag(a, 'cascade-when');
  if (when !== undefined && classifierChoice(a) !== 'cascade') throw new UsageError('--cascade-when applies only to --classifier cascade');
  try {
    return parseCascadeRule(when ?? DEFAULT_CASCADE_WHEN);
  } catch (e) {
    if (e instanceof CascadeRuleError) throw new UsageError(`--cascade-when: ${e.message}`);
    throw e;
  }
}

/** The cascade's two classifiers; the VLM's flags (and consent) are checked before the model loads. */
export async function createCascadeFromFlags(a: ParsedArgs, o: { dtype: Dtype; io: CliIO; isTTY: boolean; shardTag?: string }): Promise<{ zeroShot: Classifier; vlm: Classifier }> {
  const vlm = await createVlmFromFlags(a, o.io);
  return { zeroShot: await createZeroShotFromFlags(a, o), vlm };
}

export async function createClassifierFromFlags(a: ParsedArgs, o: { dtype: Dtype; io: CliIO; isTTY: boolean; shardTag?: string }): Promise<Classifier> {
  if (classifierChoice(a) === 'vlm') return createVlmFromFlags(a, o.io);
  return createZeroShotFromFlags(a, o);
}

/** --encoder-url (or $IMAGE_TRIAGE_ENCODER_URL): checked, and agreed to with --send-images when not on this machine. */
export function encoderUrlFromFlags(a: ParsedArgs, env: NodeJS.ProcessEnv | undefined): string | undefined {
  const url = flag(a, 'encoder-url') ?? (env?.IMAGE_TRIAGE_ENCODER_URL || undefined);
  if (url === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--encoder-url "${url}" is not a URL (example: http://triton.internal:8000)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--encoder-url must be an http:// or https:// URL (got "${url}")`);
  if (!isLoopbackUrl(url) && !a.flags.has('send-images')) {
    throw new UsageError(`--encoder-url ${u.origin} is not on this machine: every image's pixels would be sent to it. Add --send-images to agree.`);
  }
  return url;
}

async function createZeroShotFromFlags(a: ParsedArgs, o: { dtype: Dtype; io: CliIO; isTTY: boolean; shardTag?: string }): Promise<Classifier> {
  const cacheDir = flag(a, 'cache-dir') ?? defaultCacheDir(o.io.env);
  const encoderUrl = encoderUrlFromFlags(a, o.io.env);
  const seen = new Map<string, number>();
  return createZeroShotClassifier({
    kind: 'zero-shot',
    model: flag(a, 'model') ?? DEFAULT_ZERO_SHOT_MODEL,
    dtype: o.dtype,
    cacheDir,
    revision: flag(a, 'revision'),
    logit: logitFlags(a),
    threads: intFlag(a, 'threads', 1, 256),
    lanes: intFlag(a, 'lanes', 1, 16),
    shardTag: o.shardTag,
    encoderUrl,
    device: choiceFlag(a, 'device', DEVICES) ?? (o.io.env?.IMAGE_TRIAGE_DEVICE ? deviceFromEnv(o.io.env.IMAGE_TRIAGE_DEVICE) : 'auto'),
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

function deviceFromEnv(v: string) {
  const d = DEVICES.find((x) => x === v.trim());
  if (!d) throw new UsageError(`IMAGE_TRIAGE_DEVICE must be one of ${DEVICES.join(', ')} (got "${v}")`);
  return d;
}
