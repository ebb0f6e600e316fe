import * as os from 'node:os';
import * as path from 'node:path';

/** Where models and embeddings are cached: $IMAGE_TRIAGE_CACHE, else $XDG_CACHE_HOME/image-triage, else ~/.cache/image-triage. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IMAGE_TRIAGE_CACHE) return path.resolve(env.IMAGE_TRIAGE_CACHE);
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'image-triage');
}
