// Deterministic shares of a folder for N processes or machines: an image belongs to shard K of N
// (K 1-based) when sha256(its '/'-separated relative path) mod N = K−1. No coordination, no overlap,
// and the same image always lands in the same shard whatever else is in the folder.
// `auto` reads K and N from the scheduler that started the process.
import { createHash } from 'node:crypto';
import * as path from 'node:path';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
  /** Where K/N came from, for the run's first lines (e.g. "JOB_COMPLETION_INDEX=2, --shards 4"). */
  source?: string;
}

export class ShardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardError';
  }
}

const MAX_SHARDS = 100_000;

function positiveInt(v: string | undefined, what: string, min: number): number {
  const n = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isInteger(n) || n < min || n > MAX_SHARDS) throw new ShardError(`${what} must be an integer from ${min} to ${MAX_SHARDS} (got "${v ?? ''}")`);
  return n;
}

/** `K/N` (1-based), or `auto` with the scheduler's variables; `shards` is `--shards N`. */
export function parseShard(spec: string, shards?: string, env: NodeJS.ProcessEnv = process.env): Shard {
  if (spec === 'auto') return shardFromEnv(env, shards);
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new ShardError(`--shard must be K/N with 1 ≤ K ≤ N (e.g. 1/4), or auto (got "${spec}")`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || count > MAX_SHARDS || index < 1 || index > count) throw new ShardError(`--shard ${spec}: K must be from 1 to N (shards are 1-based: 1/${count} … ${count}/${count})`);
  return { index, count };
}

/**
 * `--shard auto`: IMAGE_TRIAGE_SHARD_INDEX/_COUNT (0-based index; set them from any scheduler, e.g. a
 * GitHub Actions matrix's strategy.job-index / job-total), Kubernetes Indexed Jobs
 * (JOB_COMPLETION_INDEX, 0-based, with --shards N = the Job's completions), Slurm job arrays
 * (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT; a contiguous --array).
 */
export function shardFromEnv(env: NodeJS.ProcessEnv, shards?: string): Shard {
  const n = (v: string | undefined, what: string) => (shards !== undefined ? positiveInt(shards, '--shards', 1) : positiveInt(v, what, 1));
  let zero: number;
  let count: number;
  let source: string;
  if (env.IMAGE_TRIAGE_SHARD_INDEX !== undefined) {
    zero = positiveInt(env.IMAGE_TRIAGE_SHARD_INDEX, 'IMAGE_TRIAGE_SHARD_INDEX', 0);
    count = n(env.IMAGE_TRIAGE_SHARD_COUNT, 'IMAGE_TRIAGE_SHARD_COUNT (or --shards N)');
    source = `IMAGE_TRIAGE_SHARD_INDEX=${zero}, ${shards !== undefined ? '--shards' : 'IMAGE_TRIAGE_SHARD_COUNT='}${count}`;
  } else if (env.JOB_COMPLETION_INDEX !== undefined) {
    zero = positiveInt(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX', 0);
    if (shards === undefined) throw new ShardError('--shard auto in a Kubernetes Indexed Job needs --shards N (the Job\'s completions): the pod only sees its own JOB_COMPLETION_INDEX');
    count = positiveInt(shards, '--shards', 1);
    source = `JOB_COMPLETION_INDEX=${zero}, --shards ${count}`;
  } else if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const min = env.SLURM_ARRAY_TASK_MIN !== undefined ? positiveInt(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN', 0) : 0;
    zero = positiveInt(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID', 0) - min;
    count = n(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT (or --shards N)');
    source = `SLURM_ARRAY_TASK_ID=${env.SLURM_ARRAY_TASK_ID}${min ? ` − SLURM_ARRAY_TASK_MIN=${min}` : ''}, ${shards !== undefined ? '--shards ' : 'SLURM_ARRAY_TASK_COUNT='}${count}`;
  } else {
    throw new ShardError('--shard auto found no scheduler variables: set JOB_COMPLETION_INDEX (Kubernetes Indexed Job, with --shards N), SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (Slurm array), or IMAGE_TRIAGE_SHARD_INDEX and IMAGE_TRIAGE_SHARD_COUNT (0-based; e.g. from a GitHub Actions matrix), or pass --shard K/N');
  }
  if (zero < 0 || zero >= count) throw new ShardError(`--shard auto: ${source} gives shard ${zero + 1} of ${count}, outside 1…${count}`);
  return { index: zero + 1, count, source };
}

/** Which shard (1-based) of `count` a relative path belongs to. */
export function shardOf(relPath: string, count: number): number {
  const h = createHash('sha256').update(relPath.replace(/\\/g, '/')).digest();
  // 48 bits of the hash: exact in a double, uniform enough for any N up to MAX_SHARDS.
  return (h.readUIntBE(0, 6) % count) + 1;
}

export function inShard(relPath: string, shard: Shard | undefined): boolean {
  return !shard || shard.count === 1 || shardOf(relPath, shard.count) === shard.index;
}

/**
 * The image (relative to `root`) a sidecar's leftover belongs to (`.<image>.labels.json.<pid>@<host>.<hex>.tmp`, or without `@<host>`
 * or `.<image>.labels.json.lock`), or undefined for any other leftover.
 */
export function leftoverImage(root: string, file: string): string | undefined {
  const m = /^\.(.+)\.labels\.json(?:[.-]\d+(?:@[A-Za-z0-9_-]{1,40})?[.-][0-9a-f]{8,16}\.(?:tmp|broken)|\.lock)$/.exec(path.basename(file));
  return m ? path.relative(root, path.join(path.dirname(file), m[1])) : undefined;
}

/** The name part a shard's own files carry (its embedding store). */
export function shardTag(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}`;
}
