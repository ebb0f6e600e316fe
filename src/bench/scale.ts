// `npm run bench:scale`: the explore-by-meaning features at scale. A synthetic folder of N images
// (CIFAR-10 copies with one pixel varied, PNG, so every file has its own hash; generated into a temp
// folder, never committed) with a sidecar each, and N simulated 512-d embeddings in a real store;
// 1,000,000 rows simulated in memory (a sparse data file + a real 32 MB index) for the store's open.
// 1,000,000 summaries (a summary index) and embeddings are simulated in memory (2 GB; --no-million skips them).
// Flags: --n 100000 (folder size), --dir <folder> (generate there once and keep), --dups-n N (near-duplicate search size, default --n).
// Last line: `scale: open100k_s=… search100k_ms=… …`.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { discoverImages } from '../core/discovery';
import type { ImageSummary } from '../core/imageSummary';
import { INIT_CHUNK, MORE_CHUNK, packSummaries } from '../core/summaryPack';
import { loadSummaryIndex, saveSummaryIndex } from '../core/summaryIndex';
import { dotAll, topK } from '../core/similarity/rank';
import { kmeans } from '../core/similarity/kmeans';
import { EmbeddingCache } from '../classifiers/zeroShot/embeddingCache';
import { folderMatrix } from '../classifiers/zeroShot/folderEmbeddings';
import { openWithIndex } from '../core/summaryIndex';
import { findNearDuplicates } from '../classifiers/similarity/nearDuplicates';
import { SCALE_KEY as KEY, scaleFolder } from './scaleFolder';

const D = 512;
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const N = Number(arg('n') ?? 100_000);
const DUPS_N = Number(arg('dups-n') ?? N);
const log = (s: string) => process.stderr.write(s + '\n');
const secs = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
  const t = performance.now();
  const v = await fn();
  return [v, (performance.now() - t) / 1000];
};
const mb = () => Math.round(process.memoryUsage().rss / 1e6);

/** Deterministic unit vectors; every 20th row is a near copy of the previous one. */
function embeddings(n: number, seed = 1): Float32Array {
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const v = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const o = i * D;
    const dup = i % 20 === 19;
    let norm = 0;
    for (let t = 0; t < D; t++) {
      const x = dup ? v[o - D + t] + 0.005 * rnd() : rnd();
      v[o + t] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let t = 0; t < D; t++) v[o + t] /= norm;
  }
  return v;
}

/** A 1M-row store: real index (32 MB of sha256s), sparse data file of the right size. */
async function millionStore(dir: string): Promise<number> {
  const rows = 1_000_000;
  const c = new EmbeddingCache(dir, { ...KEY, model: 'bench-million' }, D);
  const header = Buffer.alloc(12);
  Buffer.from('ITEMB001').copy(header);
  header.writeUInt32LE(D, 8);
  await fs.writeFile(c.file, header);
  await fs.truncate(c.file, 12 + rows * (32 + 4 * D));
  const idx = Buffer.alloc(rows * 32);
  for (let r = 0; r < rows; r++) createHash('sha256').update(String(r)).digest().copy(idx, r * 32);
  await fs.writeFile(c.indexFile, idx);
  const [, s] = await secs(() => new EmbeddingCache(dir, { ...KEY, model: 'bench-million' }, D).load());
  return s;
}

/**
 * 1,000,000 summaries simulated in memory (the folder's, repeated under new ids): the summary index
 * written, then loaded, matched by id and packed for the panel's messages, as an open does.
 */
async function millionSummaries(base: ImageSummary[], dir: string): Promise<[number, string]> {
  const rows = 1_000_000;
  const entries = Array.from({ length: rows }, (_, i) => {
    const b = base[i % base.length];
    const id = `copy${Math.floor(i / base.length)}/${b.id}`;
    return { stamp: `${i}/1000/${i}`, summary: { ...b, id, name: b.name } };
  });
  const file = path.join(dir, 'summary-index-1m.json');
  await saveSummaryIndex(file, dir, entries);
  const size = (await fs.stat(file)).size;
  const ids = entries.map((e) => [e.summary.id, e.stamp] as const);
  entries.length = 0;
  const [, s] = await secs(async () => {
    const saved = await loadSummaryIndex(file, dir);
    const got: ImageSummary[] = new Array(rows);
    ids.forEach(([id, stamp], i) => {
      const hit = saved!.get(id);
      if (!hit || hit.stamp !== stamp) throw new Error(`summary ${id} not found`);
      got[i] = hit.summary;
    });
    JSON.stringify(got.slice(0, INIT_CHUNK));
    for (let i = INIT_CHUNK; i < rows; i += MORE_CHUNK) JSON.stringify(packSummaries(got.slice(i, i + MORE_CHUNK)));
  });
  await fs.rm(file, { force: true });
  return [s, ` index1m_s=${s.toFixed(2)} index1m_mb=${Math.round(size / 1e6)}`];
}

async function main() {
  const rss0 = mb();
  const keep = arg('dir');
  const root = keep ? path.resolve(keep) : await fs.mkdtemp(path.join(os.tmpdir(), 'bench-scale-'));
  const shas = await scaleFolder(root, N, log);
  const cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-scale-cache-'));
  const vecs = embeddings(N);
  const store = new EmbeddingCache(cacheDir, KEY, D);
  for (let i = 0; i < N; i++) {
    store.put(shas[i], vecs.subarray(i * D, (i + 1) * D));
    if (i % 5000 === 4999) await store.flush();
  }
  await store.flush();
  log('folder and store ready; measuring…');

  // The panel's open: discovery with sidecar stamps, summaries (from the summary index where a
  // sidecar's stamp matches), the messages' JSON. First with no index (every sidecar read), then the
  // index written by that open's background read, as on every later open.
  const indexFile = path.join(cacheDir, 'summary-index.json');
  const panelOpen = async () => {
    const q = await openWithIndex(root, indexFile);
    // What the panel posts: `init` with the first summaries, then packed chunks (serialised on the way).
    JSON.stringify(q.summaries.slice(0, INIT_CHUNK));
    for (let i = INIT_CHUNK; i < q.summaries.length; i += MORE_CHUNK) JSON.stringify(packSummaries(q.summaries.slice(i, i + MORE_CHUNK)));
    return q;
  };
  let firstS = 0;
  {
    const [first, s1] = await secs(panelOpen);
    firstS = s1;
    await first.full(); // the background read, which saves the index (this copy of the sidecars is dropped)
  }
  const [quick, openS] = await secs(panelOpen);
  if (quick.fromIndex !== N) throw new Error(`only ${quick.fromIndex} of ${N} summaries came from the index`);
  const [images, fullS] = await secs(() => quick.full());
  const summaries = quick.summaries;
  const [, discoverS] = await secs(() => discoverImages(root, { stamps: true }));
  const rssOpen = mb();
  const [m, rowsS] = await secs(() => folderMatrix(images, cacheDir, KEY));
  if (m.ids.length !== N) throw new Error(`only ${m.ids.length} of ${N} rows found`);
  // Five searches, five different queries (a reviewer's first few): the median, and the slowest.
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const qk = embeddings(1, 99 + k);
    times.push((await secs(() => topK(dotAll(m.vectors, D, qk), 50)))[1]);
  }
  const q = embeddings(1, 99);
  const searchS = [...times].sort((a, b) => a - b)[2];
  const searchMaxS = Math.max(...times);
  const rssSearch = mb();
  const dupRows = m.vectors.subarray(0, DUPS_N * D);
  const [d, dupS] = await secs(() => findNearDuplicates(dupRows, D, 0.95, { onProgress: (a, b) => a % 50 === 0 && log(`  duplicates: ${a}/${b}`) }));
  const [km, clusterS] = await secs(() => kmeans(m.vectors, D, Math.round(Math.sqrt(N / 10)), { seed: 1 }));
  const millionDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-scale-1m-'));
  const storeOpenS = await millionStore(millionDir).finally(() => fs.rm(millionDir, { recursive: true, force: true }));
  let million = '';
  const rssPeak = Math.max(rssOpen, rssSearch, mb());
  const [index1mS, million1m] = process.argv.includes('--no-million') ? [null, ''] : await millionSummaries(summaries, cacheDir);
  if (!process.argv.includes('--no-million')) {
    const big = embeddings(1_000_000, 5);
    const [, s1m] = await secs(() => topK(dotAll(big, D, q), 50));
    million = ` search1m_ms=${(s1m * 1000).toFixed(0)}${million1m}`;
  }
  log(`images ${N}: open ${openS.toFixed(2)} s with the summary index (discovery with stamps ${discoverS.toFixed(2)} s), first open ${firstS.toFixed(2)} s (every sidecar read); the full sidecars behind the grid ${fullS.toFixed(2)} s more`);
  log(`images ${N}: ${summaries.length} summaries, rows read ${rowsS.toFixed(2)} s, search ${(searchS * 1000).toFixed(1)} ms (median of 5 queries; the first ${(times[0] * 1000).toFixed(1)} ms, the slowest ${(searchMaxS * 1000).toFixed(1)} ms)`);
  if (index1mS !== null) log(`1M simulated: summary index of 1,000,000 loaded, matched and packed in ${index1mS.toFixed(2)} s; open of 1M estimated ${(discoverS * (1_000_000 / N) + index1mS).toFixed(1)} s (discovery scaled linearly from ${N})`);
  const how = d.method === 'ivf' ? `IVF, ${d.cells} cells, nprobe ${d.nprobe}` : 'exact';
  log(`near duplicates over ${DUPS_N}: ${d.pairs.i.length} pairs in ${d.clusters.length} clusters, ${dupS.toFixed(1)} s (worker thread, ${how})`);
  log(`k-means: ${km.k} clusters over ${N}, ${clusterS.toFixed(2)} s; 1M-row store open ${storeOpenS.toFixed(2)} s; RSS ${rss0} → ${rssPeak} MB`);
  log(`targets: open ≤ 3 s, search ≤ 100 ms, duplicates ≤ 30 s, RSS ≤ 1500 MB (this process holds what the extension host would).`);
  if (!keep) await fs.rm(root, { recursive: true, force: true });
  await fs.rm(cacheDir, { recursive: true, force: true });
  const tag = N === 100_000 ? '100k' : `${Math.round(N / 1000)}k`;
  const dtag = DUPS_N === 100_000 ? '100k' : `${Math.round(DUPS_N / 1000)}k`;
  console.log(
    `scale: open${tag}_s=${openS.toFixed(2)} open${tag}_first_s=${firstS.toFixed(2)} search${tag}_ms=${(searchS * 1000).toFixed(1)} search${tag}_max_ms=${(searchMaxS * 1000).toFixed(1)} dups${dtag}_s=${dupS.toFixed(1)} clusters${tag}_s=${clusterS.toFixed(2)} store_open_s=${storeOpenS.toFixed(2)} rss${tag}_mb=${rssPeak}${million}`,
  );
}

const USAGE = `usage: npm run bench:scale -- [--n 100000] [--dir <folder>] [--dups-n N] [--no-million]
  --n: images in the synthetic folder (default 100000); --dir: generate the folder there once and
  reuse it later (default: a temp folder, removed at the end); --dups-n: rows for the near-duplicate
  search (default --n); --no-million: skip the 1,000,000 summaries and rows simulated in memory (~2 GB).
  The last line is \`scale: open<N>_s=… search<N>_ms=… dups<N>_s=… clusters<N>_s=… store_open_s=… rss<N>_mb=…\`.`;

if (process.argv.includes('--help') || process.argv.includes('-h')) console.log(USAGE);
else main().catch((e) => {
  console.error(e);
  process.exit(1);
});
