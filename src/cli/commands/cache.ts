// `image-triage cache merge [--cache-dir <dir>] [--from <dir>…]`: after a sharded run, folds every
// shard's embedding store into the cache dir's main store (and the stores of other cache dirs, for
// shards that ran with their own --cache-dir), so re-scoring, the panel and the report see one store.
import { defaultCacheDir } from '../../core/cacheDir';
import { mergeEmbeddingStores } from '../../classifiers/zeroShot/embeddingCache';
import * as path from 'node:path';
import { UsageError, flag, parseArgs, type CliIO } from '../args';

export const CACHE_ARGS = { values: ['cache-dir'], lists: ['from'] };
export const CACHE_USAGE = `usage: image-triage cache merge [--cache-dir <dir>] [--from <other cache dir>…]
  Combines the embedding stores of a sharded classify run into <dir>'s main store.`;

export async function cacheCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'merge') throw new UsageError(`cache takes a subcommand: merge (got ${sub ? `"${sub}"` : 'nothing'})`);
  const a = parseArgs(rest, CACHE_ARGS);
  if (a.positionals.length) throw new UsageError(`cache merge takes no positional arguments (got "${a.positionals[0]}")`);
  const cacheDir = flag(a, 'cache-dir') ?? defaultCacheDir(io.env);
  const from = a.flags.get('from') ?? [];
  const r = await mergeEmbeddingStores(path.join(cacheDir, 'embeddings'), from.map((d) => path.join(d, 'embeddings')));
  io.out(
    r.sources
      ? `Merged ${r.sources} embedding store${r.sources === 1 ? '' : 's'} into ${r.stores} main store${r.stores === 1 ? '' : 's'} in ${path.join(cacheDir, 'embeddings')}: ${r.added} embeddings added, ${r.duplicates} already present.\n`
      : `Nothing to merge: no shard stores in ${path.join(cacheDir, 'embeddings')}${from.length ? ' and no stores in the --from dirs' : ''}.\n`,
  );
  return 0;
}
