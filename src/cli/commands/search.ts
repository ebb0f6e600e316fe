// `image-triage search <folder> "<text>" | --like <image> [--top N] [--json] [--model …] [--dtype …]
//   [--cache-dir DIR]`: ranks the folder's images by cosine over their cached embeddings.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../core/folderIndex';
import { sha256Hex } from '../../core/hash';
import { defaultCacheDir } from '../../core/cacheDir';
import type { Dtype } from '../../classifiers/config';
import { createZeroShotClassifier, type ZeroShotClassifier } from '../../classifiers/zeroShot';
import { folderCheckpoint, folderMatrix, openStores } from '../../classifiers/zeroShot/folderEmbeddings';
import type { EmbeddingKey } from '../../classifiers/zeroShot/embeddingCache';
import { folderTemplates, rank, textQueryVector } from '../../classifiers/zeroShot/search';
import { encoderUrlFromFlags } from '../classifierFlags';
import { UsageError, choiceFlag, flag, has, intFlag, parseArgs, type CliIO, type ArgSpec } from '../args';

export const SEARCH_USAGE = `usage: image-triage search <folder> "<text>" | --like <image> [--top N] [--json]
         [--model <hub id|dir>] [--dtype fp32|q8|fp16] [--revision <rev>] [--cache-dir <dir>] [--encoder-url <url> [--send-images]]
  Ranks the folder's images by cosine between their cached embeddings and the query (the text through
  the categories' prompt templates, or the --like image's embedding). No image is re-encoded; images
  without an embedding are reported. --model/--dtype/--revision default to the checkpoint of the folder's predictions.
  --encoder-url (or $IMAGE_TRIAGE_ENCODER_URL): the query (and an uncached --like image) is encoded on that
  Open Inference Protocol server, as classify --encoder-url does.`;

/** The flags the parser accepts (tests compare them with --help and the README). */
export const SEARCH_ARGS: ArgSpec = { booleans: ['json', 'send-images'], values: ['top', 'like', 'model', 'dtype', 'cache-dir', 'revision', 'encoder-url'] };

export async function searchCommand(argv: string[], io: CliIO): Promise<number> {
  if (argv[0] === '--help' || argv[0] === 'help') {
    io.out(SEARCH_USAGE + '\n');
    return 0;
  }
  const a = parseArgs(argv, SEARCH_ARGS);
  const [folder, text, ...extra] = a.positionals;
  const like = flag(a, 'like');
  if (!folder || extra.length || (text === undefined) === (like === undefined)) throw new UsageError('search takes a folder and either a query text or --like <image>');
  if (text !== undefined && !text.trim()) throw new UsageError('the query text is empty');
  const root = path.resolve(folder);
  if (!(await fs.stat(root).catch(() => null))?.isDirectory()) throw new UsageError(`${folder} is not a folder`);
  const top = intFlag(a, 'top', 1, 1_000_000) ?? 10;
  const encoderUrl = encoderUrlFromFlags(a, io.env);
  const cacheDir = flag(a, 'cache-dir') ?? defaultCacheDir(io.env);
  const images = await indexFolder(root);
  const recorded = folderCheckpoint(images);
  const model = flag(a, 'model') ?? recorded?.model;
  if (!model) throw new UsageError(`no image in ${folder} has a zero-shot prediction, so its checkpoint is unknown: run "image-triage classify" first, or pass --model`);
  const same = recorded?.model === model;
  const dtype = (choiceFlag<Dtype>(a, 'dtype', ['fp32', 'q8', 'fp16']) ?? (same ? recorded!.dtype : 'fp32')) as Dtype;
  const revision = flag(a, 'revision') ?? (same && recorded!.dtype === dtype ? recorded!.revision : undefined);

  let classifier: ZeroShotClassifier | undefined;
  const load = async () => (classifier ??= await createZeroShotClassifier({ kind: 'zero-shot', model, dtype, cacheDir, revision, encoderUrl }));
  try {
    let query: Float32Array | undefined;
    let exclude: string | undefined;
    let key: EmbeddingKey | undefined = revision !== undefined ? { model, revision, dtype } : undefined;
    if (like !== undefined) {
      const file = path.resolve(like);
      const bytes = await fs.readFile(file).catch(() => fs.readFile(path.join(root, like)).catch(() => null));
      if (!bytes) throw new UsageError(`--like: cannot read ${like}`);
      const sha = sha256Hex(bytes);
      exclude = path.relative(root, file).split(path.sep).join('/');
      if (key) for (const s of await openStores(path.join(cacheDir, 'embeddings'), key)) query ??= await s.get(sha);
      if (!query) {
        const c = await load();
        const [v] = await c.embedImages([{ path: file, relPath: exclude, sha256: sha, bytes }]);
        if (v instanceof Error) throw new UsageError(`--like: ${like} cannot be decoded: ${v.message}`);
        io.err(`note: ${like} had no cached embedding for ${model}; it was encoded (and cached).\n`);
        query = v;
      }
    } else {
      const c = await load();
      query = await textQueryVector(c, text!, await folderTemplates(root));
    }
    if (classifier) key = { model: classifier.info.checkpoint, revision: classifier.info.revision, dtype: classifier.info.dtype };
    const m = await folderMatrix(images, path.join(cacheDir, 'embeddings'), key!);
    io.err(`search: ${m.ids.length} of ${images.length} images have cached embeddings for ${key!.model} (${key!.dtype}).\n`);
    if (m.missing.length) {
      const show = m.missing.slice(0, 5).join(', ') + (m.missing.length > 5 ? `, … (${m.missing.length - 5} more)` : '');
      io.err(`not searched (no cached embedding; run "image-triage classify ${folder}" with this checkpoint): ${show}\n`);
    }
    const results = rank(m, query!, top, exclude);
    if (has(a, 'json')) {
      io.out(JSON.stringify({ query: like !== undefined ? { like } : { text }, checkpoint: key, results, missing: m.missing }) + '\n');
    } else {
      const w = String(results.length).length;
      results.forEach((r, i) => io.out(`${String(i + 1).padStart(w)}  ${r.score.toFixed(4)}  ${r.path}\n`));
      if (results.length) io.out('Scores are cosine similarities for this checkpoint: a ranking, not probabilities.\n');
    }
    return 0;
  } finally {
    await classifier?.dispose();
  }
}
